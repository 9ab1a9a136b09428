import type { AlsExecutor } from './AlsExecutor';
import type { AlsSharedState, AlsSide } from './AlsSharedState';
import { AlsWasmKernel } from './AlsWasmKernel';
import { createRowScratch } from './RowSystem';
import { gramianBlockCount, runGramianBlocks, runSolveChunks, startSolveChunks, sumChunkLosses, sumGramianBlocks } from './runHalfStep';

/** Runs ALS work on the calling thread (tests, small data, platforms without worker_threads). */
export class InProcessAlsExecutor implements AlsExecutor {
  readonly threads = 1;
  private readonly scratch;
  private readonly kernel: AlsWasmKernel | undefined;

  constructor(private readonly state: AlsSharedState) {
    this.scratch = createRowScratch(state.dims);
    this.kernel = state.wasm ? new AlsWasmKernel(state.wasm, 0) : undefined;
  }

  async gramian(side: AlsSide): Promise<void> {
    const blocks = gramianBlockCount(side === 'users' ? this.state.userCount : this.state.itemCount);
    runGramianBlocks(this.state, side, 0, blocks, this.kernel);
    sumGramianBlocks(this.state, blocks);
  }

  async solve(side: AlsSide): Promise<number> {
    // The same chunks and loss order as the thread pool, so 1 thread and n agree bit for bit.
    startSolveChunks(this.state);
    runSolveChunks(this.state, side, this.scratch, this.kernel);
    return sumChunkLosses(this.state, side);
  }

  async close(): Promise<void> {}
}
