import { createServer, type AddressInfo } from 'node:net';

/**
 * A free TCP port on 127.0.0.1: the OS picks one, and the probe socket is closed before it is
 * returned, so a tiny race remains. Callers that hand the port to another process retry on a
 * failed start.
 *
 * @example
 * ```ts
 * const port = await findFreePort(); // e.g. 41237
 * ```
 */
export async function findFreePort(): Promise<number> {
  return new Promise((resolvePort, rejectPort) => {
    const probe = createServer();
    probe.once('error', rejectPort);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolvePort(port));
    });
  });
}
