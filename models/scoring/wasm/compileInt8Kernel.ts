import { OndeckError } from '../../errors/OndeckError';
import { INT8_KERNEL_BINARIES } from './int8KernelBinaries';
import type { Int8KernelFlavour } from './Int8KernelFlavour';

const compiled: Partial<Record<Int8KernelFlavour, Promise<WebAssembly.Module>>> = {};

/**
 * Compiles one build of the int8 kernel from its precompiled bytes ({@link INT8_KERNEL_BINARIES}),
 * once per worker and build; `binary` replaces the bytes (tests give corrupt ones) and is not
 * cached. An engine without WebAssembly, without SIMD for the `'simd'` build, or a page whose CSP
 * forbids compiling (no `wasm-unsafe-eval`) rejects, and the caller falls back to the `js` kernel.
 *
 * @throws OndeckError `backend-unavailable` (backend `wasm-int8`) naming the engine's reason.
 * @example
 * ```ts
 * const module = await compileInt8Kernel('mvp');
 * ```
 */
export function compileInt8Kernel(flavour: Int8KernelFlavour, binary?: Uint8Array): Promise<WebAssembly.Module> {
  if (binary) return compile(flavour, binary);
  const pending = (compiled[flavour] ??= compile(flavour, decodeHex(INT8_KERNEL_BINARIES[flavour])));
  // Forget a failure so that a later call (after a transient error) can try again.
  pending.catch(() => {
    if (compiled[flavour] === pending) delete compiled[flavour];
  });
  return pending;
}

async function compile(flavour: Int8KernelFlavour, binary: Uint8Array): Promise<WebAssembly.Module> {
  try {
    if (typeof WebAssembly !== 'object' || typeof WebAssembly.Module !== 'function') throw new Error('this engine has no WebAssembly');
    // Synchronously on purpose: in a worker whose CSP forbids eval, WPE WebKit 2.38's
    // WebAssembly.compile() never settles (measured: still pending after 2 s, where the
    // synchronous constructor answers at once), which would hang the engine's start. The kernel
    // is ~1.3 KB: far below every engine's limit on synchronous compiles (4 KB on Chromium's main
    // thread), and it compiles in well under a millisecond. The DOM typings want an
    // ArrayBuffer-backed view; a shared one is refused by the engine, and reported below.
    return new WebAssembly.Module(binary as Uint8Array<ArrayBuffer>);
  } catch (error) {
    throw new OndeckError('backend-unavailable', { backend: 'wasm-int8', flavour, reason: `the ${flavour} kernel does not compile: ${describe(error)}` });
  }
}

/** Bytes of a hex string (two lower-case digits per byte), as the generated module stores them. */
function decodeHex(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
