import WebSocket from 'ws';

/** A Chrome DevTools Protocol error answer (`{ code, message, data? }`). */
interface CdpErrorAnswer {
  code: number;
  message: string;
  data?: string;
}

/** One message from the engine: an answer to a command (`id`) or an event (`method`). */
interface CdpMessage {
  id?: number;
  result?: unknown;
  error?: CdpErrorAnswer;
  method?: string;
  params?: unknown;
}

/** Options of {@link connectCdp}. */
export interface CdpConnectionOptions {
  /**
   * How long one command may wait for its answer before it rejects.
   * @defaultValue 120000 (scenarios load models and train in the page)
   */
  commandTimeoutMilliseconds?: number;
}

/**
 * A plain Chrome DevTools Protocol session over one WebSocket (a page target's
 * `webSocketDebuggerUrl`). Qt WebEngine speaks CDP but not the browser-level commands
 * playwright's `connectOverCDP` starts with (`Browser.setDownloadBehavior`), so its tests talk
 * to the page target directly.
 */
export interface CdpConnection {
  /** Sends `method` and resolves with its result, or rejects with the engine's error. */
  send<Result = unknown>(method: string, params?: Record<string, unknown>): Promise<Result>;
  /** Calls `listener` with every event named `method`; returns the unsubscribe function. */
  on(method: string, listener: (params: unknown) => void): () => void;
  /** `true` once the socket closed (the engine quit or {@link close} was called). */
  readonly closed: boolean;
  /** Closes the socket; pending commands reject. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Opens a CDP session on `webSocketUrl`.
 *
 * @example
 * ```ts
 * const cdp = await connectCdp('ws://127.0.0.1:9235/devtools/page/ABC');
 * await cdp.send('Page.enable');
 * const off = cdp.on('Page.loadEventFired', () => console.log('loaded'));
 * const answer = await cdp.send<{ result: { value: unknown } }>('Runtime.evaluate', { expression: '1 + 1', returnByValue: true });
 * off();
 * await cdp.close();
 * ```
 */
export async function connectCdp(webSocketUrl: string, options: CdpConnectionOptions = {}): Promise<CdpConnection> {
  const commandTimeout = options.commandTimeoutMilliseconds ?? 120_000;
  // No size cap: a page may return a large JSON result (scenario reports).
  const socket = new WebSocket(webSocketUrl, { perMessageDeflate: false, maxPayload: 256 * 1024 * 1024 });
  await new Promise<void>((resolveOpen, rejectOpen) => {
    socket.once('open', () => resolveOpen());
    socket.once('error', rejectOpen);
  });

  let nextId = 1;
  let closed = false;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void; timer: NodeJS.Timeout; method: string }>();
  const listeners = new Map<string, Set<(params: unknown) => void>>();

  socket.on('message', (data) => {
    let message: CdpMessage;
    try {
      message = JSON.parse(data.toString()) as CdpMessage;
    } catch {
      return; // Not CDP; nothing can be waiting for it.
    }
    if (message.id !== undefined) {
      const waiter = pending.get(message.id);
      if (!waiter) return;
      pending.delete(message.id);
      clearTimeout(waiter.timer);
      if (message.error) waiter.reject(new Error(`CDP ${waiter.method}: ${message.error.message}${message.error.data ? ` (${message.error.data})` : ''}`));
      else waiter.resolve(message.result);
    } else if (message.method) {
      for (const listener of listeners.get(message.method) ?? []) listener(message.params);
    }
  });
  socket.on('close', () => {
    closed = true;
    for (const [id, waiter] of pending) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error(`CDP ${waiter.method}: the connection closed before the answer`));
      pending.delete(id);
    }
  });
  // An error is always followed by 'close', which rejects what is pending.
  socket.on('error', () => {});

  return {
    get closed() {
      return closed;
    },
    send<Result>(method: string, params: Record<string, unknown> = {}): Promise<Result> {
      if (closed) return Promise.reject(new Error(`CDP ${method}: the connection is closed`));
      const id = nextId++;
      return new Promise<Result>((resolveCommand, rejectCommand) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          rejectCommand(new Error(`CDP ${method}: no answer within ${commandTimeout} ms`));
        }, commandTimeout);
        pending.set(id, { resolve: resolveCommand as (value: unknown) => void, reject: rejectCommand, timer, method });
        socket.send(JSON.stringify({ id, method, params }));
      });
    },
    on(method: string, listener: (params: unknown) => void): () => void {
      let set = listeners.get(method);
      if (!set) listeners.set(method, (set = new Set()));
      set.add(listener);
      return () => set!.delete(listener);
    },
    async close(): Promise<void> {
      if (closed) return;
      await new Promise<void>((resolveClose) => {
        socket.once('close', () => resolveClose());
        socket.close();
        // A dead engine may never answer the close handshake.
        setTimeout(() => {
          socket.terminate();
          resolveClose();
        }, 1_000).unref();
      });
    },
  };
}
