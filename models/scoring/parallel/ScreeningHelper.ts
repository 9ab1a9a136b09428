import { OndeckError } from '../../errors/OndeckError';
import type { QuantizedFactors } from '../../quantize';
import type { TopKResult } from '../ScoringBackend';
import type { Int8KernelFlavour } from '../wasm/Int8KernelFlavour';
import type { FromScreeningHelper, ScreeningHelperPort } from './screeningHelperMessages';

/**
 * How long a query waits for a helper before the engine scores that part itself and gives the
 * helper up. A part takes a few milliseconds (about 1 ms per 50k rows here, 6× that on a slow
 * TV); only a helper that hangs or died unnoticed comes near this.
 */
export const HELPER_QUERY_TIMEOUT_MS = 2000;

interface PendingQuery {
  readonly resolve: (result: TopKResult) => void;
  readonly reject: (error: Error) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

/**
 * The engine's side of one screening helper worker (see {@link serveScreeningHelper}): sends it
 * its part of each table, asks it for top-K on that part, and fails over cleanly. Once the helper
 * errors, times out or cannot load a table, it is terminated and {@link failure} says why; every
 * query then fails fast, and the caller scores the part itself.
 *
 * @example
 * ```ts
 * const helper = new ScreeningHelper(spawnScreeningHelperWorker());
 * helper.load(1, partOfTable);
 * if (helper.isReadyFor(1)) result = await helper.topK(1, userVector, 20, localExclusions);
 * ```
 */
export class ScreeningHelper {
  /** Why the helper was given up, once it was. */
  failure: string | undefined;
  private loadedGeneration = -1;
  private requestedGeneration = -1;
  private nextId = 1;
  private readonly pending = new Map<number, PendingQuery>();

  constructor(
    private readonly port: ScreeningHelperPort,
    private readonly timeoutMs = HELPER_QUERY_TIMEOUT_MS,
  ) {
    port.onmessage = (event) => this.receive(event.data);
    port.onerror = (event) => this.fail(`the helper worker failed: ${describeEvent(event)}`);
  }

  /** True when the helper holds the table of `generation` and can answer queries on it. */
  isReadyFor(generation: number): boolean {
    return this.failure === undefined && this.loadedGeneration === generation;
  }

  /**
   * Sends the helper a copy of its part of the table of `generation` (replacing the last one), to
   * screen with the WebAssembly int8 kernel's `wasmFlavour` build, or the `js` kernel without it.
   */
  load(generation: number, part: QuantizedFactors, wasmFlavour?: Int8KernelFlavour): void {
    if (this.failure !== undefined) return;
    this.requestedGeneration = generation;
    // The helper handles messages in order: any query sent after this load meets the new table,
    // so the previous one can no longer be asked for.
    this.loadedGeneration = -1;
    // Copies, transferred: the engine keeps its own table, and a transfer costs no second copy.
    const values = part.values.slice();
    const scales = part.scales.slice();
    try {
      const kernel = wasmFlavour ? { wasmFlavour } : {};
      this.port.postMessage({ type: 'load', generation, rows: part.rows, dims: part.dims, values, scales, ...kernel }, [values.buffer, scales.buffer]);
    } catch (error) {
      this.fail(`could not send the helper its table: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * Top `count` rows of the helper's part of table `generation`, indices local to the part.
   *
   * @throws OndeckError `backend-unavailable` when the helper is not ready for `generation`, has
   *   failed, answers with an error, or does not answer within the timeout.
   */
  topK(generation: number, userVector: Float32Array, count: number, exclude: Int32Array): Promise<TopKResult> {
    if (!this.isReadyFor(generation)) return Promise.reject(this.unavailable(this.failure ?? `the helper does not hold table ${generation}`));
    const id = this.nextId++;
    return new Promise<TopKResult>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(`the helper did not answer within ${this.timeoutMs} ms`), this.timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      try {
        this.port.postMessage({ type: 'topK', id, generation, userVector, count, exclude }, []);
      } catch (error) {
        this.fail(`could not send the helper a query: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
  }

  /** Stops the helper worker; pending queries fail. */
  terminate(): void {
    this.fail('the helper was stopped');
  }

  private receive(message: FromScreeningHelper): void {
    switch (message.type) {
      case 'loaded':
        if (message.generation === this.requestedGeneration) this.loadedGeneration = message.generation;
        return;
      case 'result':
        this.settle(message.id, (query) => query.resolve({ indices: message.indices, scores: message.scores }));
        return;
      case 'failed':
        if (message.id === undefined) {
          // A table it cannot take is a helper we cannot use.
          if (message.generation === this.requestedGeneration) this.fail(`the helper could not load table ${message.generation}: ${message.message}`);
        } else {
          this.settle(message.id, (query) => query.reject(this.unavailable(message.message)));
        }
        return;
      case 'stopped':
        return;
    }
  }

  private settle(id: number, action: (query: PendingQuery) => void): void {
    const query = this.pending.get(id);
    if (!query) return;
    this.pending.delete(id);
    clearTimeout(query.timer);
    action(query);
  }

  private fail(reason: string): void {
    if (this.failure === undefined) {
      this.failure = reason;
      this.port.onmessage = null;
      if (this.port.onerror !== undefined) this.port.onerror = null;
      this.port.terminate();
    }
    for (const id of [...this.pending.keys()]) this.settle(id, (query) => query.reject(this.unavailable(reason)));
  }

  private unavailable(reason: string): OndeckError {
    return new OndeckError('backend-unavailable', { backend: 'js', reason: `screening helper: ${reason}` });
  }
}

function describeEvent(event: unknown): string {
  const message = (event as { message?: unknown } | null)?.message;
  return typeof message === 'string' && message ? message : 'error event';
}
