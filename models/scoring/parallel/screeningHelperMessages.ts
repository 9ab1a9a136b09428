import type { Int8KernelFlavour } from '../wasm/Int8KernelFlavour';

/**
 * The messages between the engine's worker and a screening helper worker (see
 * {@link serveScreeningHelper} and {@link ScreeningHelper}). Every array in them is a copy that
 * is transferred, never shared: the protocol needs no `SharedArrayBuffer`, so it works on pages
 * that are not cross-origin isolated.
 */

/** Engine → helper: take this part of the table (replaces the previous one). */
export interface LoadPartMessage {
  readonly type: 'load';
  /** Increases with every table the engine loads; results carry it back. */
  readonly generation: number;
  readonly rows: number;
  readonly dims: number;
  readonly values: Int8Array;
  readonly scales: Float32Array;
  /**
   * Screen with this build of the WebAssembly int8 kernel (the engine runs `wasm-int8`); absent:
   * the `js` kernel. A helper that cannot compile it answers `failed`, and the engine screens the
   * part itself.
   */
  readonly wasmFlavour?: Int8KernelFlavour;
}

/** Engine → helper: the top `count` rows of the part for `userVector`. */
export interface PartTopKMessage {
  readonly type: 'topK';
  readonly id: number;
  readonly generation: number;
  readonly userVector: Float32Array;
  readonly count: number;
  /** Ascending row indices local to the part. */
  readonly exclude: Int32Array;
}

/** Engine → helper: release the table and close (a helper the page started cannot be terminated by the engine). */
export interface StopHelperMessage {
  readonly type: 'stop';
}

/** Helper → engine: the part of `generation` is loaded and screened. */
export interface PartLoadedMessage {
  readonly type: 'loaded';
  readonly generation: number;
}

/** Helper → engine: the answer to {@link PartTopKMessage} `id`, indices local to the part. */
export interface PartResultMessage {
  readonly type: 'result';
  readonly id: number;
  readonly generation: number;
  readonly indices: Int32Array;
  readonly scores: Float32Array;
}

/** Helper → engine: a load (no `id`) or a query (`id`) failed; the engine does that part itself. */
export interface PartFailedMessage {
  readonly type: 'failed';
  readonly id?: number;
  readonly generation: number;
  readonly message: string;
}

export type ToScreeningHelper = LoadPartMessage | PartTopKMessage | StopHelperMessage;
/** Helper → the page that started it: it has stopped (after `stop`), the page may let it go. */
export interface HelperStoppedMessage {
  readonly type: 'stopped';
}

export type FromScreeningHelper = PartLoadedMessage | PartResultMessage | PartFailedMessage | HelperStoppedMessage;

/**
 * What the engine holds of a helper: a dedicated `Worker` in browsers, one end of a
 * `MessageChannel` in tests.
 */
export interface ScreeningHelperPort {
  postMessage(message: ToScreeningHelper, transfer: Transferable[]): void;
  onmessage: ((event: { data: FromScreeningHelper }) => void) | null;
  /** A `Worker`'s script or uncaught error: the helper is gone. */
  onerror?: ((event: unknown) => void) | null;
  terminate(): void;
}

/** What a helper listens on: its worker global scope, or the other end of a test's channel. */
export interface ScreeningHelperScope {
  postMessage(message: FromScreeningHelper, transfer: Transferable[]): void;
  onmessage: ((event: { data: ToScreeningHelper }) => void) | null;
}
