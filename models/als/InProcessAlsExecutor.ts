import type { AlsExecutor } from './AlsExecutor';
import type { AlsSharedState, AlsSide } from './AlsSharedState';
import { AlsWasmKernel } from './AlsWasmKernel';
import { createRowScratch } from './RowSystem';
import { gramianBlockCount, runGramianBlocks, runHalfStep, sumGramianBlocks } from './runHalfStep';

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
    const rows = side === 'users' ? this.state.userCount : this.state.itemCount;
    return runHalfStep(this.state, side, 0, rows, this.scratch, this.kernel);
  }

  async close(): Promise<void> {}
}
