// Types of scripts/buildInt8Kernels.mjs for the TypeScript test that checks the generated module
// (the project does not type-check .mjs files). Keep in step with the JSDoc there.
import type { Int8KernelFlavour } from '../models/scoring/wasm/Int8KernelFlavour';

/** The generated module, from the repository's root. */
export declare const INT8_KERNEL_BINARIES_PATH: string;

/** The binary of one build of the kernel, assembled by wabt with that build's features only. */
export declare function assembleInt8Kernel(wat: string, flavour: Int8KernelFlavour): Promise<Uint8Array>;

/** The text of the generated module for the given binaries, formatted as `npm run format` would. */
export declare function int8KernelBinariesSource(binaries: Readonly<Record<Int8KernelFlavour, Uint8Array>>): Promise<string>;
