/**
 * The smallest module that uses a SIMD instruction: `(func (result v128) (v128.const 0))`.
 * Engines without WebAssembly SIMD (Chromium < 91: most TVs sold before 2023, WPE WebKit 2.38)
 * reject it in `WebAssembly.validate`, which costs nothing and downloads nothing.
 */
const SIMD_PROBE = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00, // magic, version 1
  0x01,
  0x05,
  0x01,
  0x60,
  0x00,
  0x01,
  0x7b, // type section: () -> v128
  0x03,
  0x02,
  0x01,
  0x00, // function section: one function of type 0
  0x0a,
  0x16,
  0x01,
  0x14,
  0x00,
  0xfd,
  0x0c, // code: no locals, v128.const
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0, // its 16 immediate bytes
  0x0b, // end
]);

/** True when this engine runs WebAssembly with the fixed-width SIMD proposal. */
export function supportsWasmSimd(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}
