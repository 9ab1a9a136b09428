/**
 * The few globals that every platform ondeck runs on provides (browsers from Chromium 56 and
 * WPE, Node ≥ 20), declared here because the platform-neutral layer compiles without the DOM
 * and Node type libraries (tsconfig.models.json): using anything else there is a compile error.
 * Only the members ondeck uses are declared.
 */
export {};

declare global {
  class TextEncoder {
    encode(input?: string): Uint8Array;
    encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
  }
  class TextDecoder {
    constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
    decode(input?: ArrayBufferView | ArrayBuffer, options?: { stream?: boolean }): string;
  }
  const performance: { now(): number };
  function setTimeout(handler: () => void, timeout?: number): unknown;
  function clearTimeout(handle: unknown): void;
  /** What `postMessage` may move instead of copying; ondeck moves only ArrayBuffers. */
  type Transferable = ArrayBuffer;
  /** A message channel's end, opaque here: the layer only hands it on. */
  interface MessagePort {
    postMessage(message: unknown, transfer?: Transferable[]): void;
  }
  namespace WebAssembly {
    class Module {
      constructor(bytes: BufferSource);
    }
    class Instance {
      constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
      readonly exports: Record<string, unknown>;
    }
    class Memory {
      constructor(descriptor: { initial: number; maximum?: number; shared?: boolean });
      readonly buffer: ArrayBuffer;
      grow(delta: number): number;
    }
    type BufferSource = ArrayBufferView | ArrayBuffer;
    function compile(bytes: BufferSource): Promise<Module>;
  }
}
