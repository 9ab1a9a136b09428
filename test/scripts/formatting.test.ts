import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// The code is formatted by prettier (.prettierrc.json); `npm run format` rewrites it.
const root = join(import.meta.dirname, '../..');
const prettier = join(root, 'node_modules/prettier/bin/prettier.cjs');
const scratch = mkdtempSync(join(tmpdir(), 'ondeck-format-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('formatting (prettier)', () => {
  it('every source file is formatted (npm run format:check)', () => {
    const result = spawnSync('npm', ['run', '--silent', 'format:check'], { cwd: root, encoding: 'utf8' });
    expect(result.status, `${result.stdout}${result.stderr}\nrun \`npm run format\` to fix`).toBe(0);
  });

  it('the check fails on a file written another way', () => {
    const file = join(scratch, 'unformatted.ts');
    writeFileSync(file, 'export const  answer = {a:1,b:"two"}\n');
    const result = spawnSync(process.execPath, [prettier, '--config', join(root, '.prettierrc.json'), '--check', file], { cwd: scratch, encoding: 'utf8' });
    expect(result.status).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toContain('unformatted.ts');
  });
});
