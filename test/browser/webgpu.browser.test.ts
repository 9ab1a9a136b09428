import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeModelDirectory } from '../../models/node/artifact/modelDirectory';
import type { Recommendation, RecommenderStatus } from '../../models/contract/types';
import { plantedModel } from '../support/plantedModel';
import { launchBrowserSession, type BrowserSession } from '../../scripts/browser/launchBrowserSession';
import { callPageScenario, runPageScenario } from '../../scripts/browser/runPageScenario';
import { startStaticServer, type StaticServer } from '../../scripts/browser/startStaticServer';

// The `webgpu` tier in Debian's Chromium, which has no GPU here: `--enable-unsafe-webgpu` gives
// it SwiftShader's fallback adapter (WebGPU on the CPU), enough to prove the tier for real:
// ORT's WebGPU build loads only where an adapter exists, its rankings equal the int8 kernel's,
// and `auto` keeps it only if it measures faster than `wasm` (SwiftShader never does).
const root = join(import.meta.dirname, '../..');
const now = Date.now();
const watched = ['b2-i3', 'b2-i5', 'b2-i8', 'b2-i13'].map((itemId, i) => ({ type: 'complete', itemId, time: now - (4 - i) * 60_000 }));

let modelDirectory: string;
let server: StaticServer;
let session: BrowserSession;
const step = <T>(args: Record<string, unknown>) => callPageScenario<T>(session, args);

beforeAll(async () => {
  modelDirectory = join(await mkdtemp(join(tmpdir(), 'ondeck-webgpu-browser-')), 'model');
  await writeModelDirectory((await plantedModel()).model, modelDirectory);
  server = await startStaticServer({ mounts: { '/dist/': join(root, 'dist/browser'), '/pages/': join(root, 'test/browser/pages'), '/model/': modelDirectory } });
  session = await launchBrowserSession('chromium', { chromium: { extraArguments: ['--enable-unsafe-webgpu'] } });
}, 120_000);
afterAll(async () => {
  await session?.close();
  await server?.close();
  await rm(join(modelDirectory, '..'), { recursive: true, force: true });
});

/** Starts a recommender with `backend`, tracks the planted history, returns its status and top 10. */
async function startAndRecommend(backend: string, databaseName: string): Promise<{ status: RecommenderStatus; items: string[] }> {
  await runPageScenario(session, `${server.origin}/pages/engine.html`, { op: 'start', modelUrl: `${server.origin}/model/`, backend, databaseName });
  expect((await step<{ accepted: boolean }[]>({ op: 'track', events: watched })).every((result) => result.accepted)).toBe(true);
  const items = (await step<Recommendation[]>({ op: 'recommend', request: { count: 10 } })).map((item) => item.itemId);
  const status = await step<RecommenderStatus>({ op: 'status' });
  await step({ op: 'dispose' });
  return { status, items };
}

describe('webgpu backend in Chromium (SwiftShader adapter)', () => {
  it('forced webgpu runs ORT WebGPU and ranks exactly as the js kernel does', async () => {
    const gpu = await startAndRecommend('webgpu', 'ondeck-webgpu-forced');
    expect(gpu.status.backend).toBe('webgpu');
    expect(gpu.status.backendReason).toContain('swiftshader');
    expect(server.requestedPaths).toContain('/dist/ort/ort.webgpu.min.js');
    expect(server.requestedPaths).toContain('/dist/ort/ort-wasm-simd-threaded.asyncify.wasm');
    const js = await startAndRecommend('js', 'ondeck-webgpu-js');
    expect(js.status.backend).toBe('js');
    expect(gpu.items).toEqual(js.items);
    expect(gpu.items.length).toBe(10);
  });

  it('auto measures webgpu against wasm on the model and keeps the faster, saying why', async () => {
    await runPageScenario(session, `${server.origin}/pages/engine.html`, { op: 'start', modelUrl: `${server.origin}/model/`, databaseName: 'ondeck-webgpu-auto' });
    // Ready answers with the int8 kernel; the measured choice comes up in the background.
    await expect
      .poll(async () => (await step<RecommenderStatus>({ op: 'status' })).backendAttempts.some((attempt) => /webgpu .* ms, wasm .* ms/.test(attempt.reason)), { timeout: 60_000 })
      .toBe(true);
    const status = await step<RecommenderStatus>({ op: 'status' });
    const verdict = status.backendAttempts.find((attempt) => /webgpu .* ms, wasm .* ms/.test(attempt.reason))!;
    const [gpuMs, cpuMs] = [...verdict.reason.matchAll(/(webgpu|wasm) ([\d.]+) ms/g)].map((match) => Number(match[2]));
    expect(status.backend).toBe(gpuMs < cpuMs ? 'webgpu' : 'wasm');
    expect(verdict.ok).toBe(gpuMs < cpuMs);
    expect(status.backendReason).toContain('measured faster than');
    expect(status.backendAttempts.filter((attempt) => attempt.backend === 'webgpu' && attempt.ok && /adapter available/.test(attempt.reason))).toHaveLength(1);
    console.log(`[chromium + SwiftShader] ${status.backendReason}`);
    await step({ op: 'dispose' });
  });
});
