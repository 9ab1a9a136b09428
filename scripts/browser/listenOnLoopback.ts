import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Starts `server` on an ephemeral port of 127.0.0.1 (never another interface: test traffic stays
 * on this machine) and resolves with its origin, `http://127.0.0.1:PORT`; rejects if it cannot
 * listen.
 *
 * @example
 * ```ts
 * const origin = await listenOnLoopback(createServer(handler)); // 'http://127.0.0.1:41237'
 * ```
 */
export async function listenOnLoopback(server: Server): Promise<string> {
  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
