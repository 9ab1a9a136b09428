import { OndeckError } from '../errors/OndeckError';

/**
 * A 2-D float matrix decoded from a `.npy` file, always row-major (C order) float32.
 *
 * @example
 * ```ts
 * const { rows, columns, values } = parseNpy(bytes, 'f.npy');
 * const last = values[(rows - 1) * columns + columns - 1];
 * ```
 */
export interface NpyMatrix {
  readonly rows: number;
  readonly columns: number;
  /** Row-major values, `rows × columns`. */
  readonly values: Float32Array;
  /** The dtype as the file declared it, e.g. `'<f4'`. */
  readonly dtype: string;
}

/** A value of the Python literal subset that `.npy` headers use. */
type PythonLiteral = string | number | boolean | null | PythonLiteral[] | { [key: string]: PythonLiteral };

const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/**
 * Decodes a NumPy `.npy` file (format versions 1.0, 2.0 and 3.0) holding a 2-D float32 or float64
 * array, little- or big-endian, C or Fortran order, into a row-major float32 matrix. The header's
 * Python dict literal is parsed by a small hand-written parser, never evaluated. Any problem
 * throws `OndeckError('import-failed')` naming `path`.
 *
 * @example
 * ```ts
 * const matrix = parseNpy(await readFile('item_factors.npy'), 'item_factors.npy');
 * matrix.values.subarray(0, matrix.columns); // first item's factors
 * ```
 */
export function parseNpy(bytes: Uint8Array, path: string): NpyMatrix {
  const fail = (reason: string): never => {
    throw new OndeckError('import-failed', { path, reason });
  };
  if (bytes.length < 10 || magic.some((byte, i) => bytes[i] !== byte)) {
    fail('not a NumPy .npy file (missing the \\x93NUMPY magic)');
  }
  const major = bytes[6];
  if (major < 1 || major > 3) fail(`unsupported .npy format version ${major}.${bytes[7]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Version 1.0 has a 2-byte header length; 2.0 widened it to 4 bytes; 3.0 only made it UTF-8.
  const headerStart = major === 1 ? 10 : 12;
  if (bytes.length < headerStart) fail('truncated .npy header');
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) fail('truncated .npy header');
  const headerText = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));

  let header: PythonLiteral;
  try {
    header = parsePythonLiteral(headerText);
  } catch (error) {
    return fail(`unreadable .npy header ${JSON.stringify(headerText.trim())}: ${(error as Error).message}`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    return fail('the .npy header is not a dict');
  }
  const { descr, fortran_order: fortranOrder, shape } = header;
  if (typeof descr !== 'string') return fail(`unsupported dtype ${JSON.stringify(descr)} (structured arrays are not factors)`);
  if (typeof fortranOrder !== 'boolean') return fail('the .npy header has no boolean fortran_order');
  if (!Array.isArray(shape) || shape.some((size) => typeof size !== 'number' || !Number.isInteger(size) || size < 0)) {
    return fail('the .npy header has no valid shape');
  }
  if (shape.length !== 2) {
    return fail(`expected a 2-D array (items × dims), got shape (${shape.join(', ')})`);
  }
  const [rows, columns] = shape as number[];

  const dtype = /^([<>=|])f([48])$/.exec(descr);
  if (!dtype || dtype[1] === '|') {
    return fail(`unsupported dtype "${descr}": expected float32 or float64 ('<f4', '<f8', '>f4', '>f8')`);
  }
  // '=' (native order) never comes out of np.save, which writes '<' or '>'; treat it as the
  // little-endian order of every host numpy realistically runs on.
  const littleEndian = dtype[1] !== '>';
  const itemSize = Number(dtype[2]);
  const expectedBytes = rows * columns * itemSize;
  const actualBytes = bytes.length - dataStart;
  if (actualBytes < expectedBytes) {
    fail(`truncated data: shape (${rows}, ${columns}) of ${descr} needs ${expectedBytes} bytes, file has ${actualBytes}`);
  }
  if (actualBytes > expectedBytes) fail(`${actualBytes - expectedBytes} unexpected bytes after the array data`);

  // DataView handles both byte orders and an unaligned data offset, which a typed-array view
  // over the file buffer could not.
  const values = new Float32Array(rows * columns);
  for (let fileIndex = 0; fileIndex < rows * columns; fileIndex++) {
    const offset = dataStart + fileIndex * itemSize;
    const value = itemSize === 4 ? view.getFloat32(offset, littleEndian) : view.getFloat64(offset, littleEndian);
    // Fortran order stores column after column: file index = column × rows + row.
    const target = fortranOrder ? (fileIndex % rows) * columns + Math.floor(fileIndex / rows) : fileIndex;
    values[target] = value;
  }
  return { rows, columns, values, dtype: descr };
}

/**
 * Parses the Python literal subset numpy writes in headers: dicts, tuples, lists, quoted strings,
 * integers, True/False/None. Throws a plain Error with the offending position otherwise.
 */
function parsePythonLiteral(text: string): PythonLiteral {
  let position = 0;
  const skipSpace = (): void => {
    while (position < text.length && /\s/.test(text[position])) position++;
  };
  const error = (what: string): Error => new Error(`${what} at character ${position}`);

  const parseSequence = (close: string): PythonLiteral[] => {
    const items: PythonLiteral[] = [];
    for (;;) {
      skipSpace();
      if (text[position] === close) {
        position++;
        return items;
      }
      items.push(parseValue());
      skipSpace();
      // Python allows a trailing comma, and needs one in a 1-tuple such as (5,).
      if (text[position] === ',') position++;
      else if (text[position] !== close) throw error(`expected ',' or '${close}'`);
    }
  };

  const parseValue = (): PythonLiteral => {
    skipSpace();
    const char = text[position];
    if (char === '{') {
      position++;
      // A prototype-less object, so a '__proto__' key is stored as data rather than obeyed.
      const dict: { [key: string]: PythonLiteral } = Object.create(null);
      for (;;) {
        skipSpace();
        if (text[position] === '}') {
          position++;
          return dict;
        }
        const key = parseValue();
        if (typeof key !== 'string') throw error('dict keys must be strings');
        skipSpace();
        if (text[position] !== ':') throw error("expected ':'");
        position++;
        dict[key] = parseValue();
        skipSpace();
        if (text[position] === ',') position++;
        else if (text[position] !== '}') throw error("expected ',' or '}'");
      }
    }
    if (char === '(') {
      position++;
      return parseSequence(')');
    }
    if (char === '[') {
      position++;
      return parseSequence(']');
    }
    if (char === "'" || char === '"') {
      const end = text.indexOf(char, position + 1);
      // numpy's dtype strings and keys never contain quotes or backslashes.
      if (end < 0 || text.slice(position + 1, end).includes('\\')) throw error('unsupported string literal');
      const value = text.slice(position + 1, end);
      position = end + 1;
      return value;
    }
    const word = /^(?:-?\d+L?|True|False|None)/.exec(text.slice(position));
    if (!word) throw error('unexpected token');
    position += word[0].length;
    if (word[0] === 'True') return true;
    if (word[0] === 'False') return false;
    if (word[0] === 'None') return null;
    // Python 2 era headers may write long integers as 3L.
    return Number(word[0].replace('L', ''));
  };

  const value = parseValue();
  skipSpace();
  if (position !== text.length) throw error('unexpected text after the header');
  return value;
}
