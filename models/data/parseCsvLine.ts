const QUOTE = 0x22;

/**
 * Splits one line of delimited text into fields, RFC 4180 style: a field wrapped in double quotes
 * may contain the separator, and `""` inside it stands for one `"` (MovieLens writes
 * `1,"American President, The (1995)",Comedy|Drama|Romance`). The separator may be longer than
 * one character (`::` in MovieLens 1M/10M).
 *
 * Fields are returned as written (no trimming). A quote in the middle of an unquoted field is
 * kept literally. Quoted fields spanning several lines are not supported (loaders are
 * line-based).
 *
 * @param line one line without its terminator.
 * @param separator field separator: `','`, `'\t'`, `'::'`, `'|'` …
 * @param quoting honour double quotes; pass `false` for formats that never quote (MovieLens
 *   `.dat` and `u.item`, Last.fm hetrec), where a `"` is just a character of a title.
 * @returns the fields, or `null` when a quoted field is not closed or is followed by anything
 *   but a separator (the caller reports the line as malformed).
 *
 * @example
 * ```ts
 * parseCsvLine('1,"American President, The (1995)",Comedy|Drama'); // ['1', 'American President, The (1995)', 'Comedy|Drama']
 * parseCsvLine('1::Toy Story (1995)::Animation', '::');             // ['1', 'Toy Story (1995)', 'Animation']
 * ```
 */
export function parseCsvLine(line: string, separator = ',', quoting = true): string[] | null {
  // Most lines of most files hold no quote at all; String#split is the fastest path for them.
  if (!quoting || line.indexOf('"') === -1) return line.split(separator);
  const fields: string[] = [];
  const length = line.length;
  let at = 0;
  for (;;) {
    if (line.charCodeAt(at) === QUOTE) {
      let value = '';
      let cursor = at + 1;
      let closed = false;
      while (cursor <= length) {
        const quote = line.indexOf('"', cursor);
        if (quote === -1) break;
        value += line.slice(cursor, quote);
        if (line.charCodeAt(quote + 1) === QUOTE) {
          value += '"';
          cursor = quote + 2;
          continue;
        }
        cursor = quote + 1;
        closed = true;
        break;
      }
      if (!closed) return null;
      fields.push(value);
      if (cursor === length) return fields;
      if (!line.startsWith(separator, cursor)) return null;
      at = cursor + separator.length;
    } else {
      const next = line.indexOf(separator, at);
      if (next === -1) {
        fields.push(line.slice(at));
        return fields;
      }
      fields.push(line.slice(at, next));
      at = next + separator.length;
    }
  }
}
