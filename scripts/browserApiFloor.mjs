// The static API check of browser bundles against the support floor: lints the bundles with
// scripts/browserApiFloorConfig.mjs and matches every finding against an allow-list.
// scripts/checkBrowserApiFloor.mjs runs it on dist/browser; tests run it on synthetic bundles.
import { ESLint } from 'eslint';
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { basename, dirname, join, parse, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBrowserApiFloorConfig } from './browserApiFloorConfig.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * @typedef {object} AllowListEntry One use above the floor that is known to be safe.
 * @property {string} bundle The bundle's file name, e.g. `'ondeck-worker.js'`.
 * @property {string} ruleId The ESLint rule that reports it, e.g. `'compat/compat'`.
 * @property {string | RegExp} message A substring of, or a pattern for, the ESLint message.
 * @property {string | RegExp} [source] Narrows the entry to uses from one original source file
 *   (a substring of, or pattern for, its path from the bundle's source map, e.g.
 *   `'worker/sync/decompressBlob.ts'`), so a new unguarded use elsewhere is not waved through.
 * @property {string} reason Where the use is guarded and by what capability check (file and
 *   function, or the dependency and its guard), or why the finding is a false positive.
 */

/**
 * @typedef {object} FloorFinding One ESLint report on a bundle.
 * @property {string} bundle The bundle's file name.
 * @property {string | null} ruleId The rule, or null for a file ESLint could not parse.
 * @property {string} message ESLint's message.
 * @property {number} line 1-based, in the bundle.
 * @property {number} column 1-based, in the bundle.
 * @property {string | undefined} source Original file and line (`worker/sync/decompressBlob.ts:51`)
 *   when the bundle has a source map next to it.
 * @property {AllowListEntry | undefined} allowedBy The first allow-list entry that matches it.
 */

/**
 * @typedef {object} FloorCheckResult
 * @property {FloorFinding[]} findings Every finding, allowed or not, in bundle order.
 * @property {AllowListEntry[]} staleEntries Allow-list entries that matched no finding.
 * @property {boolean} ok True when every finding is allowed and no entry is stale.
 */

/**
 * Lints browser bundles for APIs and syntax the floor lacks (see `createBrowserApiFloorConfig`)
 * and checks each finding against the allow-list. A finding that no entry matches fails the
 * check, and so does an entry that matches nothing: a stale entry would otherwise silently
 * allow the next, unguarded use of the same API.
 *
 * @param {object} options
 * @param {readonly string[]} options.files Paths of the bundles; `.mjs` files lint as modules.
 * @param {readonly AllowListEntry[]} options.allowList The known safe uses.
 * @param {readonly string[]} options.browsers browserslist queries of the floor, e.g. `['chrome 56']`.
 * @returns {Promise<FloorCheckResult>}
 * @throws Error on a malformed allow-list entry (no reason, unknown field types).
 * @example
 * ```js
 * const { ok, findings } = await checkBrowserApiFloor({ files: ['dist/browser/ondeck.js'], allowList: [], browsers: ['chrome 56'] });
 * ```
 */
export async function checkBrowserApiFloor({ files, allowList, browsers }) {
  if (files.length === 0) throw new Error('checkBrowserApiFloor: no files to check');
  allowList.forEach(checkEntry);
  const paths = files.map((file) => resolve(file));
  const eslint = new ESLint({
    // ESLint ignores files outside its cwd: lint from the directory that holds them all.
    cwd: commonDirectory(paths),
    // No eslint.config.* file: the floor config is the only one, and nothing is ignored.
    overrideConfigFile: true,
    overrideConfig: [createBrowserApiFloorConfig(browsers), { files: ['**/*.mjs'], languageOptions: { sourceType: 'module' } }],
    ignore: false,
  });
  const results = await eslint.lintFiles(paths);
  const order = new Map(paths.map((path, index) => [path, index]));
  results.sort((a, b) => order.get(a.filePath) - order.get(b.filePath));
  const findings = [];
  for (const result of results) {
    const map = readSourceMap(result.filePath);
    for (const message of result.messages) {
      const finding = {
        bundle: basename(result.filePath),
        ruleId: message.ruleId,
        message: message.message,
        line: message.line,
        column: message.column,
        source: map && originalPosition(map, message.line, message.column),
        allowedBy: undefined,
      };
      finding.allowedBy = allowList.find((entry) => entryMatches(entry, finding));
      findings.push(finding);
    }
  }
  const staleEntries = allowList.filter((entry) => !findings.some((finding) => entryMatches(entry, finding)));
  return { findings, staleEntries, ok: staleEntries.length === 0 && findings.every((finding) => finding.allowedBy) };
}

/** Whether an allow-list entry covers a finding (parse errors are never covered). */
function entryMatches(entry, finding) {
  return (
    entry.bundle === finding.bundle &&
    entry.ruleId === finding.ruleId &&
    textMatches(entry.message, finding.message) &&
    (entry.source === undefined || (finding.source !== undefined && textMatches(entry.source, finding.source)))
  );
}

function textMatches(pattern, text) {
  return typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text);
}

function checkEntry(entry) {
  const isPattern = (value) => (typeof value === 'string' && value.length > 0) || value instanceof RegExp;
  const valid =
    typeof entry.bundle === 'string' &&
    typeof entry.ruleId === 'string' &&
    isPattern(entry.message) &&
    (entry.source === undefined || isPattern(entry.source)) &&
    typeof entry.reason === 'string' &&
    entry.reason.trim().length > 0;
  if (!valid) throw new Error(`malformed allow-list entry (bundle, ruleId, message and a reason are required): ${JSON.stringify(entry)}`);
}

/** The bundle's source map (`<bundle>.map` next to it), if there is one. */
function readSourceMap(file) {
  const mapFile = `${file}.map`;
  return existsSync(mapFile) ? { map: new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8'))), directory: dirname(file) } : undefined;
}

/** `worker/sync/decompressBlob.ts:51`: the original file, relative to the repository root, and line. */
function originalPosition({ map, directory }, line, column) {
  // ESLint positions are 1-based; SourceMap#findEntry takes 0-based ones.
  const entry = map.findEntry(line - 1, column - 1);
  if (!entry || !entry.originalSource) return undefined;
  const original = relative(root, resolve(directory, entry.originalSource)).split(sep).join('/');
  return `${original}:${entry.originalLine + 1}`;
}

function commonDirectory(paths) {
  let common = dirname(paths[0]);
  while (!paths.every((path) => path.startsWith(common + sep)) && common !== parse(common).root) common = dirname(common);
  return common;
}
