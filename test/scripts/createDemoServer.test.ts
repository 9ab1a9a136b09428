import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoServer } from '../../scripts/createDemoServer';
import { listenOnLoopback } from '../../scripts/browser/listenOnLoopback';
import { sendRawRequest } from '../support/sendRawRequest';

describe("npm start's demo server", () => {
  let scratch: string;
  let origin: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'ondeck-demo-server-'));
    await writeFile(join(scratch, 'index.html'), '<!doctype html><p>demo</p>');
    const server = createDemoServer({ demoDirectory: scratch, sdkDirectory: scratch, modelDirectory: scratch, config: { modelUrl: '/model/' } });
    origin = await listenOnLoopback(server);
    close = () => new Promise((resolve) => server.close(() => resolve()));
  });
  afterAll(async () => {
    await close?.();
    await rm(scratch, { recursive: true, force: true });
  });

  it('answers any Range header with the whole file, and keeps serving (a huge range end used to kill it)', async () => {
    for (const range of ['bytes=0-9007199254740992', 'bytes=5-2', 'bytes=0-3']) {
      const answer = await sendRawRequest(origin, '/index.html', { headers: { Range: range } });
      expect(answer.status).toBe(200);
      expect(answer.body.toString()).toBe('<!doctype html><p>demo</p>');
    }
    expect((await sendRawRequest(origin, '/config.json')).body.toString()).toBe('{"modelUrl":"/model/"}');
    expect((await sendRawRequest(origin, '/ondeck/index.html')).headers['service-worker-allowed']).toBe('/');
  });
});
