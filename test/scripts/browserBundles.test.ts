import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkBrowserApiFloor, type FloorFinding } from '../../scripts/browserApiFloor.mjs';

// The browser bundles must run on the support floor (package.json's browserslist, Chromium 56).
// test/globalSetup.ts has built dist/ before this file runs.
const root = join(import.meta.dirname, '../..');
const floor = ['chrome 56'];

function runScript(script: string): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [join(root, script)], { cwd: root, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('dist/browser bundles', () => {
  it('parse as ES2017 and fit their brotli budgets (scripts/checkBundles.mjs)', () => {
    const { status, output } = runScript('scripts/checkBundles.mjs');
    expect(status, output).toBe(0);
  });

  it('use no API above the floor that the allow-list does not justify (scripts/checkBrowserApiFloor.mjs)', () => {
    const { status, output } = runScript('scripts/checkBrowserApiFloor.mjs');
    expect(status, output).toBe(0);
  });
});

describe('checkBrowserApiFloor', () => {
  const directory = mkdtempSync(join(tmpdir(), 'ondeck-api-floor-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  function bundle(name: string, code: string): string {
    const file = join(directory, name);
    writeFileSync(file, code);
    return file;
  }

  const unguarded = bundle(
    'unguarded.js',
    [
      'var a = { b: 1 };',
      "Object.hasOwn(a, 'b');",
      "new DecompressionStream('gzip');",
      "'x'.padStart(3);",
      'Promise.allSettled([]);',
      'var scope = globalThis;',
      'function f(first, second,) { return first + second; }',
    ].join('\n'),
  );

  function describeFindings(findings: readonly FloorFinding[]): string[] {
    return findings.map((finding) => `${finding.ruleId}: ${finding.message}`);
  }

  it('reports each unguarded use above the floor, ES built-ins, web APIs and syntax alike', async () => {
    const { findings, ok } = await checkBrowserApiFloor({ files: [unguarded], allowList: [], browsers: floor });
    const reported = describeFindings(findings);
    for (const expected of ['Object.hasOwn', 'DecompressionStream', 'padStart', 'Promise.allSettled', "'globalThis'"]) {
      expect(
        reported.some((line) => line.includes(expected)),
        `${expected} in ${reported.join('; ')}`,
      ).toBe(true);
    }
    // Chromium 58: acorn's ES2017 parse in checkBundles.mjs accepts it, es-x does not.
    expect(reported).toContainEqual(expect.stringMatching(/^es-x\/no-trailing-function-commas:/));
    expect(findings.every((finding) => finding.allowedBy === undefined)).toBe(true);
    expect(ok).toBe(false);
  });

  it('reports a use inside an unrelated `if` (guards are judged by the allow-list, not guessed)', async () => {
    const file = bundle('insideIf.js', "var ready = true;\nif (ready) { new DecompressionStream('gzip'); }");
    const { findings } = await checkBrowserApiFloor({ files: [file], allowList: [], browsers: floor });
    expect(describeFindings(findings)).toEqual([expect.stringMatching(/^compat\/compat: DecompressionStream is not supported/)]);
  });

  it('keeps quiet about the ES2017 features Chromium 56 has (per MDN data)', async () => {
    const file = bundle('es2017OnFloor.js', 'async function load(o) { await 0; return [Object.values(o), Object.entries(o), Object.getOwnPropertyDescriptors(o)]; }\nload({});');
    const result = await checkBrowserApiFloor({ files: [file], allowList: [], browsers: floor });
    expect(describeFindings(result.findings)).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('allows a finding an entry matches, and passes when all are allowed', async () => {
    const file = bundle('guarded.js', "if (typeof DecompressionStream === 'function') start();\nfunction start() { return new DecompressionStream('gzip'); }");
    const entry = { bundle: 'guarded.js', ruleId: 'compat/compat', message: /^DecompressionStream is not supported/, reason: 'start() runs behind the typeof check' };
    const result = await checkBrowserApiFloor({ files: [file], allowList: [entry], browsers: floor });
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0].allowedBy).toBe(entry);
    expect(result.ok).toBe(true);
  });

  it('fails on a stale allow-list entry that matches no finding', async () => {
    const stale = { bundle: 'unguarded.js', ruleId: 'compat/compat', message: 'WebSocket', reason: 'no longer used' };
    const used = { bundle: 'unguarded.js', ruleId: 'compat/compat', message: 'DecompressionStream', reason: 'test' };
    const result = await checkBrowserApiFloor({ files: [unguarded], allowList: [stale, used], browsers: floor });
    expect(result.staleEntries).toEqual([stale]);
    expect(result.ok).toBe(false);
  });

  it('does not let an entry narrowed to one source file allow the same API from another', async () => {
    const file = bundle('mapped.js', "new DecompressionStream('gzip');\n");
    // One segment: everything on line 1 comes from worker/elsewhere.ts, line 1.
    writeFileSync(`${file}.map`, JSON.stringify({ version: 3, sources: ['worker/elsewhere.ts'], names: [], mappings: 'AAAA' }));
    const entry = { bundle: 'mapped.js', ruleId: 'compat/compat', message: 'DecompressionStream', source: 'worker/sync/decompressBlob.ts', reason: 'guarded there' };
    const result = await checkBrowserApiFloor({ files: [file], allowList: [entry], browsers: floor });
    expect(result.findings.map((finding) => finding.source)).toEqual([expect.stringMatching(/worker\/elsewhere\.ts:1$/)]);
    expect(result.findings[0].allowedBy).toBeUndefined();
    expect(result.staleEntries).toEqual([entry]);
  });

  it('rejects an allow-list entry without a reason', async () => {
    const entry = { bundle: 'unguarded.js', ruleId: 'compat/compat', message: 'DecompressionStream', reason: ' ' };
    await expect(checkBrowserApiFloor({ files: [unguarded], allowList: [entry], browsers: floor })).rejects.toThrow(/malformed allow-list entry/);
  });
});
