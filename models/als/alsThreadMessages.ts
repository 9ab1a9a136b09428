import type { AlsSharedState, AlsSide } from './AlsSharedState';

/** Messages the training thread pool sends to a thread. */
export type AlsThreadRequest =
  | { readonly type: 'init'; readonly state: AlsSharedState; readonly slot: number }
  | { readonly type: 'gramian'; readonly side: AlsSide; readonly firstBlock: number; readonly lastBlock: number }
  /** Solve chunks of `side` from the shared cursor until none is left. */
  | { readonly type: 'solve'; readonly side: AlsSide };

/** A thread's answer to a `gramian` or `solve` request. */
export type AlsThreadReply = { readonly type: 'done'; readonly loss: number } | { readonly type: 'error'; readonly message: string };
