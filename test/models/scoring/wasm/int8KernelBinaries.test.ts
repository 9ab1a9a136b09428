import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import wabt from 'wabt';
import { describe, expect, it } from 'vitest';
import { INT8_KERNEL_BINARIES_PATH, assembleInt8Kernel, int8KernelBinariesSource } from '../../../../scripts/buildInt8Kernels.mjs';
import { INT8_KERNEL_BINARIES } from '../../../../models/scoring/wasm/int8KernelBinaries';
import { int8KernelWat } from '../../../../models/scoring/wasm/int8KernelWat';

const root = join(import.meta.dirname, '../../../..');
const hexBytes = (hex: string): Uint8Array => Uint8Array.from(hex.match(/../g) ?? [], (pair) => parseInt(pair, 16));

describe('int8KernelBinaries (generated)', () => {
  it('holds exactly what the WAT assembles to: run `npm run build:kernels` after editing int8KernelWat.ts', async () => {
    const binaries = { mvp: await assembleInt8Kernel(int8KernelWat('mvp'), 'mvp'), simd: await assembleInt8Kernel(int8KernelWat('simd'), 'simd') };
    expect(await readFile(join(root, INT8_KERNEL_BINARIES_PATH), 'utf8')).toBe(await int8KernelBinariesSource(binaries));
  });

  it('has an MVP build that an engine with no post-MVP feature accepts, and a SIMD build that needs SIMD', async () => {
    const assembler = await wabt();
    const mvpOnly = { simd: false, sign_extension: false, sat_float_to_int: false, multi_value: false, bulk_memory: false, reference_types: false, mutable_globals: false };
    const mvp = assembler.readWasm(hexBytes(INT8_KERNEL_BINARIES.mvp), { check: true, ...mvpOnly });
    expect(() => mvp.validate()).not.toThrow();
    mvp.destroy();
    expect(() => assembler.readWasm(hexBytes(INT8_KERNEL_BINARIES.simd), { check: true, ...mvpOnly }).validate()).toThrow();
  });
});
