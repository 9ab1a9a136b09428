import type { BrowserEngineName } from './requireBrowser';

/** What one engine of the test matrix can do, as measured in it (harness.browser.test.ts checks each). */
export interface EngineFacts {
  /** How the README and test names call it. */
  readonly label: string;
  /** The Chromium version it embeds; `null` for WPE WebKit. */
  readonly chromiumVersion: number | null;
  /** WebAssembly SIMD: onnxruntime-web (the `wasm` backend) needs it. */
  readonly webAssemblySimd: boolean;
  /** `DecompressionStream('gzip')`; without it sync loads ondeck-compat.js for gunzip. */
  readonly decompressionStream: boolean;
  /** `SharedArrayBuffer` on a cross-origin isolated page (threaded wasm). */
  readonly sharedArrayBuffer: boolean;
  /** Ed25519 in SubtleCrypto; without it sync loads ondeck-compat.js (tweetnacl). */
  readonly nativeEd25519: boolean;
  /** Dedicated workers can start workers (Chromium 69+): the `js` kernel's helper starts on its own. */
  readonly nestedWorkers: boolean;
  /**
   * The scoring backend the engine ends up on by default once ORT had its chance: `wasm-int8`
   * (its MVP build) where there is WebAssembly without SIMD.
   */
  readonly defaultBackend: 'wasm' | 'wasm-int8' | 'js';
}

/**
 * The four engines of the matrix (DESIGN.md, "Driving real engines"): Debian's Chromium, Qt
 * WebEngine 6.4 (Chromium 102: the Tizen 7–8 / webOS 23–24 generation), Qt WebEngine 5.15
 * (Chromium 87: webOS 22 / Tizen 6.5, no WebAssembly SIMD) and WPE WebKit 2.38 (RDK boxes).
 *
 * @example
 * ```ts
 * expect(status.backend).toBe(engineFacts[engine].defaultBackend);
 * ```
 */
export const engineFacts: Readonly<Record<BrowserEngineName, EngineFacts>> = Object.freeze({
  chromium: {
    label: 'Chromium 156 (Debian)',
    chromiumVersion: 156,
    webAssemblySimd: true,
    decompressionStream: true,
    sharedArrayBuffer: true,
    nativeEd25519: true,
    nestedWorkers: true,
    defaultBackend: 'wasm',
  },
  chromium102: {
    label: 'Chromium 102 (Qt WebEngine 6.4)',
    chromiumVersion: 102,
    webAssemblySimd: true,
    decompressionStream: true,
    sharedArrayBuffer: true,
    nativeEd25519: false,
    nestedWorkers: true,
    defaultBackend: 'wasm',
  },
  chromium87: {
    label: 'Chromium 87 (Qt WebEngine 5.15)',
    chromiumVersion: 87,
    webAssemblySimd: false,
    decompressionStream: true,
    sharedArrayBuffer: true,
    nativeEd25519: false,
    nestedWorkers: true,
    defaultBackend: 'wasm-int8',
  },
  wpe: {
    label: 'WPE WebKit 2.38',
    chromiumVersion: null,
    webAssemblySimd: false,
    decompressionStream: false,
    sharedArrayBuffer: false,
    nativeEd25519: false,
    nestedWorkers: false,
    defaultBackend: 'wasm-int8',
  },
});
