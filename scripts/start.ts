/**
 * `npm start`: the main job end to end on this machine. Generates the built-in synthetic TV
 * catalog (or loads `--data PATH`), trains iALS, exports the device model, and prints home-screen
 * rows for a few viewers, computed by the device engine's own `rows()` (fold-in, int8 scoring). Results
 * are cached under .ondeck/ keyed by the inputs, so a second run reuses them.
 *
 * Usage: `node dist/start.js [--data PATH] [--fresh] [--port N] [--no-serve]`
 * (`--fresh`: retrain even when a cached model exists. `--port`: the demo app's port, default 8080;
 * the sync endpoint takes the next one, and each moves on when its port is taken. `--no-serve`:
 * stop after printing the rows instead of serving the endpoint and the demo app.)
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { loadDataset } from '../models/node/data/loadDataset';
import { generateSyntheticDataset } from '../models/data/synth';
import { itemUserCounts } from '../models/data/InteractionMatrix';
import { trainAls } from '../models/node/als/trainAls';
import { DEFAULT_ALS_HYPERPARAMETERS } from '../models/als/AlsHyperparameters';
import { packageModel } from '../models/node/artifact/packageModel';
import { readModelDirectory, writeModelDirectory } from '../models/node/artifact/modelDirectory';
import { createJsInt8Backend } from '../models/scoring/createJsInt8Backend';
import type { HistoryEntry } from '../models/contract/types';
import { historyToInteractions } from '../worker/engine/historyToInteractions';
import { RecommendationEngine } from '../worker/engine/RecommendationEngine';
import { toServedModel } from '../worker/model/ServedModel';
import { numberArgParser } from './cli/parseOptionValues';
import { reportFailure } from './cli/reportFailure';
import { publishModel } from '../models/node/sync/publishModel';
import { createSyncServer } from '../models/node/sync/createSyncServer';
import { generateSigningKeyPair, publicKeyOf } from '../models/node/sync/manifestSigning';
import { createDemoServer } from './createDemoServer';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
import { startProgress } from './cli/progressBar';

/** The flags, as commander reads them (`--no-serve` is the negation of a `serve` flag that defaults to true). */
interface StartFlags {
  readonly data?: string;
  readonly fresh?: boolean;
  readonly port: number;
  readonly serve: boolean;
}

async function main(): Promise<void> {
  const values = new Command()
    .name('start')
    .description('train a model on a synthetic (or your) catalog, print home-screen rows, serve the demo TV app')
    .option('--data <path>', 'interaction log to train on (default: the built-in synthetic catalog)')
    .option('--fresh', 'retrain even when a cached model for these inputs exists under .ondeck/')
    // Up to 65534: the sync endpoint listens on the next port.
    .option('--port <n>', "the demo app's port; the sync endpoint takes the next one", numberArgParser({ min: 1, max: 65534, integer: true }), 8080)
    .option('--no-serve', 'stop after printing the rows (serve neither the endpoint nor the demo app)')
    .parse()
    .opts<StartFlags>();
  const workspace = resolve('.ondeck/start');
  const inputs = { data: values.data ? resolve(values.data) : 'synthetic:5000x2000', hyper: DEFAULT_ALS_HYPERPARAMETERS, epochs: 15 };
  const key = createHash('sha256').update(JSON.stringify(inputs)).digest('hex').slice(0, 12);
  const modelDirectory = join(workspace, `model-${key}`);

  const dataset = values.data ? await loadDataset(values.data) : generateSyntheticDataset({ items: 5000, users: 2000 });
  process.stdout.write(
    `ondeck: ${dataset.interactions.userIds.length} viewers, ${dataset.interactions.itemIds.length} titles, ${dataset.interactions.indices.length} interactions (${inputs.data})\n`,
  );

  const cdnDirectory = join(workspace, 'cdn');
  const keyDirectory = join(workspace, 'keys');
  let rebuilt = false;
  if (values.fresh || !existsSync(join(modelDirectory, 'model.json'))) {
    rebuilt = true;
    const bar = startProgress('training', inputs.epochs);
    const als = await trainAls(dataset.interactions, {
      hyper: inputs.hyper,
      epochs: inputs.epochs,
      threads: Math.min(2, cpus().length),
      onEpoch: (p) => bar.update(p.epoch, { loss: p.loss.toFixed(4) }),
    });
    bar.stop();
    const model = packageModel({
      itemIds: als.itemIds,
      itemFactors: als.itemFactors,
      dims: als.dims,
      items: dataset.items,
      popularity: itemUserCounts(dataset.interactions),
      foldIn: als.hyper,
      training: { algorithm: 'ials', epochs: inputs.epochs, source: inputs.data },
    });
    await writeModelDirectory(model, modelDirectory);
    await writeFile(join(workspace, 'latest'), modelDirectory + '\n');
    process.stdout.write(`exported the device model → ${modelDirectory}\n`);
  } else {
    process.stdout.write(`reusing the model built earlier → ${modelDirectory} (pass --fresh to rebuild)\n`);
  }

  // Publish the model as a signed static endpoint (what a CDN would serve to a fleet of TVs).
  // A rebuilt model is a cold retrain: a new latent basis, so a new lineage.
  const keys = await loadOrCreateSigningKeys(keyDirectory);
  if (rebuilt || !existsSync(join(cdnDirectory, 'manifest.json'))) {
    const published = await publishModel({ modelDirectory, outDirectory: cdnDirectory, privateKeyPem: keys.privateKeyPem, newLineage: rebuilt });
    process.stdout.write(`published v${published.manifest.version} (signed manifest, ${(published.snapshot.bytes / 1e6).toFixed(2)} MB snapshot) → ${cdnDirectory}\n`);
  }

  const model = await readModelDirectory(modelDirectory);
  const backend = createJsInt8Backend();
  await backend.load({ factors: model.factors });
  // The device's own engine: the rows a TV shows come from the same rows() the worker runs.
  const engine = new RecommendationEngine(toServedModel(model), backend);
  const { catalog } = model;
  const indexOf = new Map(catalog.ids.map((id, index) => [id, index]));
  const matrix = dataset.interactions;
  const titleOf = (index: number): string => `${catalog.titles[index]}${catalog.years[index] ? ` (${catalog.years[index]})` : ''}`;
  const now = Date.now();

  for (const user of [0, Math.floor(matrix.userIds.length / 2), matrix.userIds.length - 1]) {
    const watched = Array.from(matrix.indices.subarray(matrix.indptr[user], matrix.indptr[user + 1]), (item) => matrix.itemIds[item]);
    // The viewer's log as the TV would have tracked it: each title watched to the end, an hour apart.
    const entries: HistoryEntry[] = watched.map((itemId, order) => ({ itemId, type: 'complete', progress: 1, time: now - (watched.length - order) * 3_600_000 }));
    const viewer = historyToInteractions(entries, (itemId) => indexOf.get(itemId), now);
    const started = performance.now();
    const rows = await engine.rows(viewer, { rows: ['top-picks', 'because-you-watched'], perRow: 5 }, undefined, now);
    const milliseconds = performance.now() - started;
    process.stdout.write(`\nviewer ${matrix.userIds[user]} — watched ${watched.length} titles, e.g. ${viewer.recent.slice(0, 3).map(titleOf).join('; ')}\n`);
    process.stdout.write(`  home screen rows in ${milliseconds.toFixed(1)} ms (fold-in + int8 scoring, the device engine's rows()):\n`);
    for (const row of rows) {
      process.stdout.write(`  ${row.title}:\n`);
      for (const item of row.items) process.stdout.write(`    · ${item.title}${item.year ? ` (${item.year})` : ''} — ${item.genres.join(', ')}\n`);
    }
  }
  process.stdout.write(
    `\nmodel: ${(await readFile(join(modelDirectory, 'model.json'), 'utf8')).length} B manifest, ${model.manifest.itemCount} titles × ${model.manifest.dims} int8 factors, taste clusters: ${catalog.clusters.names.slice(0, 4).join(' · ')} …\n`,
  );
  await backend.dispose();
  if (!values.serve) return;

  // Serve the endpoint and the demo app on loopback only, on two ports as a CDN and an app would be.
  const port = values.port;
  const endpoint = await listen(createSyncServer(cdnDirectory), port + 1);
  const endpointUrl = `http://127.0.0.1:${endpoint}/`;
  const app = await listen(
    createDemoServer({
      demoDirectory: join(root, 'demo'),
      sdkDirectory: join(root, 'dist/browser'),
      modelDirectory,
      config: { modelUrl: '/model/', syncUrl: endpointUrl, publicKey: keys.publicKeyBase64 },
    }),
    port,
  );
  process.stdout.write(`\nsync endpoint: ${endpointUrl}manifest.json\ndemo TV app:   http://127.0.0.1:${app}/   (arrow keys, Enter, Escape = Back; Ctrl-C to stop)\n`);
}

/** Listens on 127.0.0.1, trying the next ports when one is taken; resolves to the port used. */
function listen(server: Server, firstPort: number): Promise<number> {
  return new Promise((resolvePort, reject) => {
    let port = firstPort;
    server.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' && port < firstPort + 20) server.listen(++port, '127.0.0.1');
      else reject(error);
    });
    server.listen(port, '127.0.0.1', () => resolvePort(port));
  });
}

/** The demo's signing key pair, created once and kept under .ondeck/ (private key mode 0600). */
async function loadOrCreateSigningKeys(directory: string): Promise<{ privateKeyPem: string; publicKeyBase64: string }> {
  const privatePath = join(directory, 'ondeck-signing-key.pem');
  if (!existsSync(privatePath)) {
    const pair = generateSigningKeyPair();
    await mkdir(directory, { recursive: true });
    await writeFile(privatePath, pair.privateKeyPem, { mode: 0o600 });
  }
  const privateKeyPem = await readFile(privatePath, 'utf8');
  return { privateKeyPem, publicKeyBase64: publicKeyOf(privateKeyPem).publicKeyBase64 };
}

main().catch((error) => {
  process.exitCode = reportFailure(error);
});
