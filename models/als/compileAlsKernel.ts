import { ALS_KERNEL_WAT } from './wasm/alsKernelWat';

let compiled: Promise<WebAssembly.Module> | undefined;

/**
 * Compiles the ALS WebAssembly kernel ({@link ALS_KERNEL_WAT}) once per process: the text is
 * assembled by wabt (pure JavaScript, no native toolchain) and compiled by the engine. The
 * `WebAssembly.Module` is then posted to every training thread, which only instantiates it.
 * Rejects where the engine lacks SIMD or shared memory (callers fall back to the JS kernel).
 *
 * @example
 * ```ts
 * const module = await compileAlsKernel();
 * const instance = new WebAssembly.Instance(module, { env: { memory } });
 * ```
 */
export function compileAlsKernel(): Promise<WebAssembly.Module> {
  compiled ??= assemble().catch((error: unknown) => {
    // Forget the failure so a later call (say, after a transient error) can try again.
    compiled = undefined;
    throw error;
  });
  return compiled;
}

async function assemble(): Promise<WebAssembly.Module> {
  // Loaded on first use: wabt is 5 MB of JavaScript that only training needs, and a missing or
  // broken install then only disables this kernel instead of failing every import of trainAls.
  const { default: wabt } = await import('wabt');
  const assembler = await wabt();
  const parsed = assembler.parseWat('alsKernel.wat', ALS_KERNEL_WAT, { simd: true, threads: true });
  try {
    const { buffer } = parsed.toBinary({});
    // wabt types its output loosely (ArrayBufferLike); it is a plain, non-shared buffer.
    return await WebAssembly.compile(buffer as Uint8Array<ArrayBuffer>);
  } finally {
    parsed.destroy();
  }
}
