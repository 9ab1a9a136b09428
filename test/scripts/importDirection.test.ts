import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// The direction of imports between folders (.dependency-cruiser.cjs) and the platform-neutral
// layer's compile without DOM or Node types (tsconfig.models.json), each proven to catch a
// violation on a small synthetic tree.
const root = join(import.meta.dirname, '../..');
const depcruise = join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const scratch = mkdtempSync(join(tmpdir(), 'ondeck-layers-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function run(command: string, args: readonly string[], cwd: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [command, ...args], { cwd, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function writeTree(directory: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(directory, path)), { recursive: true });
    writeFileSync(join(directory, path), text);
  }
}

describe('import direction (.dependency-cruiser.cjs)', () => {
  it('the repository has no import against the layering', () => {
    const { status, output } = run(depcruise, ['--config', '.dependency-cruiser.cjs', '--output-type', 'err', 'src', 'worker', 'models', 'scripts', 'test'], root);
    expect(status, output).toBe(0);
  });

  it('catches each kind of upward import', () => {
    const tree = join(scratch, 'upward');
    writeTree(tree, {
      'tsconfig.json': '{ "compilerOptions": { "module": "ESNext", "moduleResolution": "bundler" } }',
      'models/contract.ts': "import { engine } from '../worker/engine';\nimport { readFileSync } from 'node:fs';\nexport const contract = [engine, readFileSync];\n",
      'models/node/io.ts': "import { start } from '../../src/start';\nexport const io = start;\n",
      'worker/engine.ts': "import { start } from '../src/start';\nexport const engine = start;\n",
      'src/start.ts': "import { helper } from '../test/helper';\nexport const start = helper;\n",
      'scripts/bench.ts': "import { helper } from '../test/helper';\nexport const bench = helper;\n",
      'test/helper.ts': 'export const helper = 1;\n',
    });
    const { status, output } = run(depcruise, ['--config', join(root, '.dependency-cruiser.cjs'), '--output-type', 'err', 'src', 'worker', 'models', 'scripts', 'test'], tree);
    expect(status).not.toBe(0);
    for (const rule of [
      'neutral-models-stay-neutral',
      'neutral-models-no-node-builtins',
      'cloud-side-not-on-device-code',
      'worker-below-main-thread',
      'scripts-not-on-tests',
      'nothing-imports-tests',
    ]) {
      expect(output, rule).toContain(rule);
    }
  });
});

describe('the platform-neutral layer (tsconfig.models.json)', () => {
  it('compiles with neither DOM nor Node types', () => {
    const { status, output } = run(tsc, ['--noEmit', '-p', 'tsconfig.models.json'], root);
    expect(status, output).toBe(0);
  });

  it('fails to compile a file that uses a DOM or a Node global', () => {
    const tree = join(scratch, 'globals');
    writeTree(tree, {
      'tsconfig.json': JSON.stringify({ extends: join(root, 'tsconfig.models.json'), include: [join(root, 'models/platform.d.ts'), 'uses.ts'], exclude: [] }),
      'uses.ts': 'export const title = document.title;\nexport const argv = process.argv;\nexport const decoded = new TextDecoder().decode(new Uint8Array(1));\n',
    });
    const { status, output } = run(tsc, ['--noEmit', '-p', join(tree, 'tsconfig.json')], tree);
    expect(status).not.toBe(0);
    expect(output).toMatch(/uses\.ts\(1,\d+\): error TS2584: Cannot find name 'document'|uses\.ts\(1,\d+\): error TS2304: Cannot find name 'document'/);
    expect(output).toMatch(/uses\.ts\(2,\d+\): error TS2(304|580|591): Cannot find name 'process'/);
    // TextDecoder is one of the shared globals models/platform.d.ts declares: no error on line 3.
    expect(output).not.toMatch(/uses\.ts\(3,/);
  });
});
