import { Worker } from 'node:worker_threads';
import type { AlsExecutor } from '../../als/AlsExecutor';
import type { AlsSharedState, AlsSide } from '../../als/AlsSharedState';
import { gramianBlockCount, startSolveChunks, sumChunkLosses, sumGramianBlocks } from '../../als/runHalfStep';
import type { AlsThreadReply, AlsThreadRequest } from '../../als/alsThreadMessages';
import { OndeckError } from '../../errors/OndeckError';

/**
 * Runs ALS work on `threads` worker threads that share the factor tables through
 * SharedArrayBuffers (or the kernel's shared wasm memory): the threads take chunks of rows from
 * a shared atomic cursor and solve them in place, so an epoch moves no factor data between
 * threads at all and a thread that the machine slows down just takes fewer chunks.
 */
export class ThreadPoolAlsExecutor implements AlsExecutor {
  private readonly workers: Worker[];

  /**
   * @param workerScript URL or path of the built `alsThreadWorker.js`.
   */
  constructor(
    private readonly state: AlsSharedState,
    readonly threads: number,
    workerScript: URL | string,
  ) {
    this.workers = Array.from({ length: threads }, () => new Worker(workerScript));
    this.workers.forEach((worker, slot) => {
      worker.unref();
      const init: AlsThreadRequest = { type: 'init', state, slot };
      worker.postMessage(init);
    });
  }

  async gramian(side: AlsSide): Promise<void> {
    const blocks = gramianBlockCount(side === 'users' ? this.state.userCount : this.state.itemCount);
    const perThread = Math.ceil(blocks / this.threads);
    await Promise.all(
      this.workers.map((worker, t) =>
        this.request(worker, { type: 'gramian', side, firstBlock: Math.min(blocks, t * perThread), lastBlock: Math.min(blocks, (t + 1) * perThread) }),
      ),
    );
    sumGramianBlocks(this.state, blocks);
  }

  async solve(side: AlsSide): Promise<number> {
    startSolveChunks(this.state);
    await Promise.all(this.workers.map((worker) => this.request(worker, { type: 'solve', side })));
    return sumChunkLosses(this.state, side);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private request(worker: Worker, message: AlsThreadRequest): Promise<number> {
    return new Promise((resolve, reject) => {
      const onMessage = (reply: AlsThreadReply): void => {
        cleanup();
        if (reply.type === 'error') reject(new OndeckError('training-failed', { reason: reply.message }));
        else resolve(reply.loss);
      };
      const onError = (error: Error): void => {
        cleanup();
        reject(new OndeckError('training-failed', { reason: `training thread crashed: ${error.message}` }));
      };
      const cleanup = (): void => {
        worker.off('message', onMessage);
        worker.off('error', onError);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.postMessage(message);
    });
  }
}
