import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { FromScreeningHelper, ScreeningHelperPort, ScreeningHelperScope, ToScreeningHelper } from '../../models/scoring/parallel/screeningHelperMessages';
import { serveScreeningHelper } from '../../worker/backends/parallel/serveScreeningHelper';

/** Ways an in-process helper can misbehave, to test the engine's fail-over. */
export interface HelperFaults {
  /** `spawnHelper` throws instead of returning a port (a CSP forbids workers…). */
  readonly spawnThrows?: boolean;
  /** The engine's `postMessage` to the helper throws (a message that cannot be cloned…). */
  readonly throwOnPost?: boolean;
  /** The helper answers every load with `failed`. */
  readonly failLoads?: boolean;
  /** The helper answers every query with `failed`. */
  readonly failQueries?: boolean;
  /** The helper loads tables but never answers a query (it hangs). */
  readonly dropQueries?: boolean;
}

/**
 * The engine's end of an in-process screening helper: one end of a Node `MessageChannel`, the
 * other served by {@link serveScreeningHelper}, in place of the `Worker` a browser would start.
 * Records the message types that went each way so tests can tell which path a query took.
 *
 * @example
 * ```ts
 * const helpers = new InProcessHelpers();
 * const backend = createJsInt8Backend({ threads: 2, spawnHelper: helpers.spawn });
 * ```
 */
export class InProcessHelperPort implements ScreeningHelperPort {
  onmessage: ((event: { data: FromScreeningHelper }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  /** Types of the messages the engine posted, in order. */
  readonly posted: Array<ToScreeningHelper['type']> = [];
  /** Types of the messages the helper answered with, in order. */
  readonly received: Array<FromScreeningHelper['type']> = [];
  /** How many times the engine called {@link terminate}. */
  terminations = 0;

  constructor(
    private readonly enginePort: MessagePort,
    private readonly helperPort: MessagePort,
    private readonly faults: HelperFaults,
  ) {
    enginePort.on('message', (data: FromScreeningHelper) => {
      this.received.push(data.type);
      this.onmessage?.({ data });
    });
    const scope: ScreeningHelperScope = {
      onmessage: null,
      postMessage: (message, transfer) => helperPort.postMessage(message, transfer as unknown as ArrayBuffer[]),
    };
    helperPort.on('message', (data: ToScreeningHelper) => {
      // Faults act before the real helper sees the message, as a broken helper would.
      if (data.type === 'load' && faults.failLoads) {
        scope.postMessage({ type: 'failed', generation: data.generation, message: 'planted load failure' }, []);
      } else if (data.type === 'topK' && faults.failQueries) {
        scope.postMessage({ type: 'failed', id: data.id, generation: data.generation, message: 'planted query failure' }, []);
      } else if (!(data.type === 'topK' && faults.dropQueries)) {
        scope.onmessage?.({ data });
      }
    });
    serveScreeningHelper(scope);
  }

  postMessage(message: ToScreeningHelper, transfer: Transferable[]): void {
    if (this.faults.throwOnPost) throw new Error('planted postMessage failure');
    this.posted.push(message.type);
    this.enginePort.postMessage(message, transfer as unknown as ArrayBuffer[]);
  }

  /** Closes both ends of the channel, as `Worker.terminate()` ends the helper. */
  terminate(): void {
    this.terminations++;
    this.close();
  }

  /** Closes the channel (idempotent), so that no open port keeps the test process alive. */
  close(): void {
    this.enginePort.close();
    this.helperPort.close();
  }

  /** Queries the helper answered with a result (not a failure). */
  get results(): number {
    return this.received.filter((type) => type === 'result').length;
  }
}

/**
 * Spawns in-process helpers for `createJsInt8Backend({ spawnHelper })` and keeps every one it
 * started, so a test can look at them and close them all afterwards.
 *
 * @example
 * ```ts
 * const helpers = new InProcessHelpers((index) => (index === 1 ? { dropQueries: true } : {}));
 * const backend = createJsInt8Backend({ threads: 3, spawnHelper: helpers.spawn });
 * // …
 * helpers.closeAll();
 * ```
 */
export class InProcessHelpers {
  /** Every helper spawned, in order. */
  readonly ports: InProcessHelperPort[] = [];
  /** How many times `spawn` was called, including calls that threw. */
  spawnCalls = 0;

  constructor(private readonly faultsOf: (index: number) => HelperFaults = () => ({})) {}

  /** Starts one helper (a `spawnHelper` for the backend); throws where the faults say so. */
  readonly spawn = (): ScreeningHelperPort => {
    const faults = this.faultsOf(this.spawnCalls++);
    if (faults.spawnThrows) throw new Error('planted spawn failure');
    const { port1, port2 } = new MessageChannel();
    const port = new InProcessHelperPort(port1, port2, faults);
    this.ports.push(port);
    return port;
  };

  /** Closes every channel still open. */
  closeAll(): void {
    for (const port of this.ports) port.close();
  }
}

/**
 * Waits, turn by turn of the event loop (`setImmediate`, so fake `setTimeout`s do not stall it),
 * until `condition()` holds; fails with `what` after `limitMs` of real time.
 *
 * @example
 * ```ts
 * await waitUntil(() => backend.threads === 2, 'both helpers ready');
 * ```
 */
export async function waitUntil(condition: () => boolean, what: string, limitMs = 10_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${limitMs} ms waiting for: ${what}`);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
