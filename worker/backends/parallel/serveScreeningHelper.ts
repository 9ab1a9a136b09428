import type { ScoringBackend } from '../../../models/scoring/ScoringBackend';
import { createJsInt8Backend } from '../../../models/scoring/createJsInt8Backend';
import { createWasmInt8Backend } from '../../../models/scoring/createWasmInt8Backend';
import type { FromScreeningHelper, ScreeningHelperScope, ToScreeningHelper } from '../../../models/scoring/parallel/screeningHelperMessages';

/**
 * Runs a screening helper on `scope`: keeps one part of the item table (a single-threaded `js`
 * backend over it, or `wasm-int8` when the engine screens with that kernel) and answers top-K
 * queries on that part, so that the engine's worker and its helpers screen a catalog in parallel.
 * Queries for a table it no longer holds, and any error (a kernel that does not compile here
 * included) are answered with a `failed` message: the engine then scores that part itself. A
 * `stop` message releases the table and calls `onStop` (a helper worker closes itself there).
 *
 * @example
 * ```ts
 * // In the helper worker's script:
 * serveScreeningHelper(self as unknown as ScreeningHelperScope);
 * ```
 */
export function serveScreeningHelper(scope: ScreeningHelperScope, onStop?: () => void): void {
  let backend: ScoringBackend | undefined;
  let generation = -1;
  const reply = (message: FromScreeningHelper, transfer: Transferable[] = []): void => scope.postMessage(message, transfer);

  // Messages are handled one at a time, in order, so a query never sees half of a load.
  let queue = Promise.resolve();
  scope.onmessage = (event) => {
    const message = event.data;
    queue = queue.then(() => handle(message)).catch(() => undefined);
  };

  async function handle(message: ToScreeningHelper): Promise<void> {
    if (message.type === 'stop') {
      await backend?.dispose();
      backend = undefined;
      generation = -1;
      onStop?.();
      return;
    }
    if (message.type === 'load') {
      try {
        // The engine's own kernel: a WebAssembly build that does not compile here fails the load,
        // and the engine screens this part itself.
        const next = message.wasmFlavour ? await createWasmInt8Backend({ flavour: message.wasmFlavour }) : createJsInt8Backend();
        await next.load({ factors: { rows: message.rows, dims: message.dims, values: message.values, scales: message.scales } });
        next.prepare?.();
        await warmUp(next, message.dims);
        const previous = backend;
        backend = next;
        generation = message.generation;
        await previous?.dispose();
        reply({ type: 'loaded', generation });
      } catch (error) {
        reply({ type: 'failed', generation: message.generation, message: describe(error) });
      }
      return;
    }
    if (!backend || message.generation !== generation) {
      reply({ type: 'failed', id: message.id, generation: message.generation, message: `this helper holds table ${generation}, not ${message.generation}` });
      return;
    }
    try {
      const { indices, scores } = await backend.topK(message.userVector, message.count, message.exclude);
      // Copied rather than transferred: 20-odd numbers, and a result may view a longer buffer.
      reply({ type: 'result', id: message.id, generation, indices, scores });
    } catch (error) {
      reply({ type: 'failed', id: message.id, generation, message: describe(error) });
    }
  }
}

/**
 * Queries a freshly loaded part a few times before saying it is ready: a helper's first queries
 * run before the JIT has compiled the kernel (measured in Chromium: 2.6 ms for a 10k-row part
 * cold, against well under 1 ms warm), and the engine asks a ready helper at once.
 */
const WARM_UP_QUERIES = 10;

async function warmUp(backend: ScoringBackend, dims: number): Promise<void> {
  const userVector = Float32Array.from({ length: dims }, (_, d) => (d % 3) - 1 + 0.25);
  for (let query = 0; query < WARM_UP_QUERIES; query++) await backend.topK(userVector, 20);
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
