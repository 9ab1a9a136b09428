/**
 * Entry point of an ALS training thread (bundled to dist/alsThreadWorker.js). It receives the
 * shared state once, then solves whatever row ranges or Gramian blocks it is asked to, writing
 * results straight into the shared factor tables.
 */
import { parentPort } from 'node:worker_threads';
import type { AlsSharedState } from '../../als/AlsSharedState';
import type { AlsThreadReply, AlsThreadRequest } from '../../als/alsThreadMessages';
import { AlsWasmKernel } from '../../als/AlsWasmKernel';
import { createRowScratch, type RowScratch } from '../../als/RowSystem';
import { runGramianBlocks, runSolveChunks } from '../../als/runHalfStep';

let state: AlsSharedState | undefined;
let scratch: RowScratch | undefined;
let kernel: AlsWasmKernel | undefined;

parentPort?.on('message', (request: AlsThreadRequest) => {
  try {
    if (request.type === 'init') {
      state = request.state;
      scratch = createRowScratch(state.dims);
      // Instantiated against the posted shared memory, so this thread writes the same tables.
      kernel = state.wasm ? new AlsWasmKernel(state.wasm, request.slot) : undefined;
      return;
    }
    if (!state || !scratch) throw new Error('training thread used before init');
    if (request.type === 'gramian') runGramianBlocks(state, request.side, request.firstBlock, request.lastBlock, kernel);
    else runSolveChunks(state, request.side, scratch, kernel);
    // Losses travel through state.chunkLosses, summed by the pool in chunk order.
    const reply: AlsThreadReply = { type: 'done', loss: 0 };
    parentPort?.postMessage(reply);
  } catch (error) {
    const reply: AlsThreadReply = { type: 'error', message: error instanceof Error ? error.message : String(error) };
    parentPort?.postMessage(reply);
  }
});
