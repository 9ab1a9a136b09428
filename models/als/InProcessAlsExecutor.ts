import type { AlsExecutor } from './AlsExecutor';
import type { AlsSharedState, AlsSide } from './AlsSharedState';
import { createRowScratch } from './RowSystem';
import { gramianBlockCount, runGramianBlocks, runHalfStep, sumGramianBlocks } from './runHalfStep';

/** Runs ALS work on the calling thread (tests, small data, platforms without worker_threads). */
export class InProcessAlsExecutor implements AlsExecutor {
  readonly threads = 1;
  private readonly scratch;

  constructor(private readonly state: AlsSharedState) {
    this.scratch = createRowScratch(state.dims);
  }

  async gramian(side: AlsSide): Promise<void> {
    const blocks = gramianBlockCount(side === 'users' ? this.state.userCount : this.state.itemCount);
    runGramianBlocks(this.state, side, 0, blocks);
    sumGramianBlocks(this.state, blocks);
  }

  async solve(side: AlsSide): Promise<number> {
    const rows = side === 'users' ? this.state.userCount : this.state.itemCount;
    return runHalfStep(this.state, side, 0, rows, this.scratch);
  }

  async close(): Promise<void> {}
}
