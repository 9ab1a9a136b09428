import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import { createSyncServer } from '../../../models/sync/node/createSyncServer';
import { parseNumberOption } from '../parseOptionValues';

interface ServeFlags {
  port?: string;
  host: string;
}

/** `ondeck serve`: the reference static server of a publish directory (development and tests). */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve a publish directory over HTTP as a CDN would (ETag/304, Range, compression, CORS, immutable blobs); for development')
    .argument('<dir>', 'publish directory written by `ondeck publish`')
    .option('--port <port>', 'TCP port (0 picks a free one; default 8080)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .action(async (directory: string, flags: ServeFlags) => {
      const port = parseNumberOption('port', flags.port, { min: 0, max: 65535, integer: true }) ?? 8080;
      const server = createSyncServer(directory);
      // Many devices polling at once: keep the accept queue deep.
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ port, host: flags.host, backlog: 4096 }, resolve);
      });
      const address = server.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      process.stdout.write(`serving ${directory} at http://${host}:${address.port}/\n`);
      const stop = (): void => {
        server.close();
        server.closeAllConnections();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      await new Promise<void>((resolve) => server.once('close', resolve));
    });
}
