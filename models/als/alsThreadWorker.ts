/**
 * Entry point of an ALS training thread (bundled to dist/alsThreadWorker.js). It receives the
 * shared state once, then solves whatever row ranges or Gramian blocks it is asked to, writing
 * results straight into the shared factor tables.
 */
import { parentPort } from 'node:worker_threads';
import type { AlsSharedState } from './AlsSharedState';
import type { AlsThreadReply, AlsThreadRequest } from './alsThreadMessages';
import { AlsWasmKernel } from './AlsWasmKernel';
import { createRowScratch, type RowScratch } from './RowSystem';
import { runGramianBlocks, runHalfStep } from './runHalfStep';

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
    let loss = 0;
    if (request.type === 'gramian') runGramianBlocks(state, request.side, request.firstBlock, request.lastBlock, kernel);
    else loss = runHalfStep(state, request.side, request.start, request.end, scratch, kernel);
    const reply: AlsThreadReply = { type: 'done', loss };
    parentPort?.postMessage(reply);
  } catch (error) {
    const reply: AlsThreadReply = { type: 'error', message: error instanceof Error ? error.message : String(error) };
    parentPort?.postMessage(reply);
  }
});
