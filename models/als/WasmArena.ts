/** Typed-array kinds the arena hands out. */
export type ArenaArrayKind<T> = { new (buffer: ArrayBufferLike, byteOffset: number, length: number): T; readonly BYTES_PER_ELEMENT: number };

/** Bytes one WebAssembly page holds. */
const PAGE_BYTES = 65536;
/** Largest 32-bit memory, in pages (4 GiB). */
export const MAX_WASM_PAGES = 65536;
/** Every allocation starts on a cache line, so factor rows of 16·k floats never straddle two. */
const ALIGNMENT = 64;

/**
 * A bump allocator over one fixed-size shared `WebAssembly.Memory`: every array training needs
 * lives in it, so the kernel addresses them by byte offset and worker threads that instantiate
 * the kernel against the same memory see every write at once. Sized up front (the caller sums
 * {@link WasmArena.bytesFor}) because growing would detach every view handed out.
 *
 * @example
 * ```ts
 * const arena = new WasmArena(WasmArena.bytesFor(Float32Array, 1024));
 * const factors = arena.allocate(Float32Array, 1024); // factors.byteOffset is its wasm address
 * ```
 */
export class WasmArena {
  readonly memory: WebAssembly.Memory;
  private nextOffset = 0;

  /** @param bytes total of the {@link WasmArena.bytesFor} of every array to allocate. */
  constructor(bytes: number) {
    const pages = WasmArena.pagesFor(bytes);
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  }

  /** Pages needed for `bytes` (may exceed {@link MAX_WASM_PAGES}; callers check). */
  static pagesFor(bytes: number): number {
    return Math.max(1, Math.ceil(bytes / PAGE_BYTES));
  }

  /** Bytes an allocation of `length` elements takes in the arena, alignment included. */
  static bytesFor(Kind: { readonly BYTES_PER_ELEMENT: number }, length: number): number {
    return Math.ceil((length * Kind.BYTES_PER_ELEMENT) / ALIGNMENT) * ALIGNMENT;
  }

  /** A zero-filled view of `length` elements on the shared memory. */
  allocate<T>(Kind: ArenaArrayKind<T>, length: number): T {
    const bytes = WasmArena.bytesFor(Kind, length);
    if (this.nextOffset + bytes > this.memory.buffer.byteLength) {
      throw new RangeError(`WasmArena: ${bytes} more bytes do not fit (${this.nextOffset} of ${this.memory.buffer.byteLength} used)`);
    }
    const view = new Kind(this.memory.buffer, this.nextOffset, length);
    this.nextOffset += bytes;
    return view;
  }
}
