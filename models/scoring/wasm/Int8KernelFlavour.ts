/**
 * The two builds of the WebAssembly int8 kernel, chosen by capability: `'mvp'` needs only MVP
 * WebAssembly (Chromium 57–90, WPE WebKit, 32-bit ARM), `'simd'` needs 128-bit SIMD (Chromium 91+).
 */
export type Int8KernelFlavour = 'mvp' | 'simd';

/**
 * Largest |level| of the viewer's vector in each build's screening pass. The MVP build packs
 * eight byte × level products into two i64 multiplies, which is exact only for levels in
 * [−15, 15] (see `int8KernelWat`); the SIMD build multiplies sign-extended bytes by i16 levels
 * and can afford [−127, 127], a bound 8× tighter, so it rescores fewer rows.
 *
 * @example
 * ```ts
 * const step = maxAbs / SCREENING_LEVELS.simd;
 * ```
 */
export const SCREENING_LEVELS: Readonly<Record<Int8KernelFlavour, number>> = { mvp: 15, simd: 127 };
