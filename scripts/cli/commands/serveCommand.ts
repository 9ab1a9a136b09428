import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import { OndeckError } from '../../../models/errors/OndeckError';
import { createSyncServer } from '../../../models/node/sync/createSyncServer';
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
      await listen(server, port, flags.host);
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

/** Listens, turning the usual reasons a port cannot be had into typed errors that name it. */
async function listen(server: Server, port: number, host: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(explainListenFailure(error, host, port)));
    // Many devices polling at once: keep the accept queue deep.
    server.listen({ port, host, backlog: 4096 }, resolve);
  });
}

function explainListenFailure(error: NodeJS.ErrnoException, host: string, port: number): Error {
  switch (error.code) {
    case 'EADDRINUSE':
      return new OndeckError('invalid-argument', {
        name: '--port',
        reason: `${host}:${port} is already in use (another ondeck serve?); pick another port, or --port 0 for a free one`,
      });
    case 'EACCES':
      return new OndeckError('invalid-argument', {
        name: '--port',
        reason: `this user may not listen on ${host}:${port} (ports below 1024 need privileges); pick a port from 1024 up`,
      });
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new OndeckError('invalid-argument', { name: '--host', reason: `${host} is not an address of this machine` });
    default:
      return error;
  }
}
