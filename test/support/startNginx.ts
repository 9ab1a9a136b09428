import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { findExecutable } from '../../scripts/browser/requireBrowser';

/** Where the repository ships the nginx rules of a sync endpoint (docs/deploy.md). */
export const shippedNginxRules = join(import.meta.dirname, '../../docs/deploy/nginx-ondeck-sync.conf');

/**
 * The nginx executable, or an Error naming the install command: a machine without nginx FAILS
 * the suite rather than skipping it. Debian puts nginx in /usr/sbin, which a non-root PATH may lack.
 */
export function requireNginx(): string {
  const found = findExecutable('nginx', `${process.env.PATH ?? ''}:/usr/sbin:/usr/local/sbin`);
  if (!found) throw new Error('nginx is not installed; run: apt-get install -y nginx');
  return found;
}

/** A running nginx: its base URL and how to stop it. */
export interface RunningNginx {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Starts nginx in the foreground on a free 127.0.0.1 port with `prefix` as its prefix (config,
 * pid, logs and temp directories all inside it; nothing under /etc or /var), serving `root` through
 * the shipped rules. `master_process off` keeps it one process of the current user, so a temp
 * directory readable only by that user is fine.
 */
export async function startNginx(root: string, prefix: string): Promise<RunningNginx> {
  const nginx = requireNginx();
  const port = await freePort();
  await mkdir(join(prefix, 'temp'), { recursive: true });
  const temp = (name: string): string => `${name}_temp_path ${join(prefix, 'temp', name)};`;
  const config = [
    'daemon off;',
    'master_process off;',
    'worker_processes 1;',
    `pid ${join(prefix, 'nginx.pid')};`,
    `error_log ${join(prefix, 'error.log')} warn;`,
    'events { worker_connections 1024; }',
    'http {',
    '  access_log off;',
    `  ${temp('client_body')} ${temp('proxy')} ${temp('fastcgi')} ${temp('uwsgi')} ${temp('scgi')}`,
    '  server {',
    `    listen 127.0.0.1:${port};`,
    `    root ${root};`,
    `    include ${shippedNginxRules};`,
    '  }',
    '}',
  ].join('\n');
  const configPath = join(prefix, 'nginx.conf');
  await writeFile(configPath, config + '\n');
  const child = spawn(nginx, ['-p', prefix, '-c', configPath, '-e', join(prefix, 'error.log')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitForPort(port, () => child.exitCode !== null);
  } catch (error) {
    const log = await readFile(join(prefix, 'error.log'), 'utf8').catch(() => '');
    child.kill('SIGKILL');
    throw new Error(`nginx did not start: ${(error as Error).message}\n${stderr}\n${log}`);
  }
  return {
    url: `http://127.0.0.1:${port}/`,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, hasExited: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (hasExited()) throw new Error('the process exited');
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port}`);
}
