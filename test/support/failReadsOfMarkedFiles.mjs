// Fault injection for a server process under test, loaded with `node --import <this file>`: opening
// or streaming any path that contains FAILING_PATH_MARKER fails with EIO, as a dying disk would.
// Everything else reads normally. syncBuiltinESMExports() makes the ESM named imports of node:fs and
// node:fs/promises (which the bundled CLI uses) see the patched functions.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

/** Paths containing this string cannot be read. */
export const FAILING_PATH_MARKER = 'fails-to-read';

const injectedError = (path) => Object.assign(new Error(`EIO: i/o error (injected by the test), open '${path}'`), { code: 'EIO', errno: -5, syscall: 'open', path: String(path) });

const { createReadStream } = fs;
fs.createReadStream = function (path, ...rest) {
  if (String(path).includes(FAILING_PATH_MARKER)) throw injectedError(path);
  return createReadStream.call(this, path, ...rest);
};

const { open } = fs.promises;
fs.promises.open = async function (path, ...rest) {
  if (String(path).includes(FAILING_PATH_MARKER)) throw injectedError(path);
  return open.call(this, path, ...rest);
};

syncBuiltinESMExports();
