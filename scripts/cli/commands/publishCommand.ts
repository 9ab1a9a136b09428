import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { OndeckError } from '../../../models/errors/OndeckError';
import { publishModel } from '../../../models/node/sync/publishModel';
import { refuseSigningKeyInPublishDirectory } from '../../../models/node/sync/refuseSigningKeyInPublishDirectory';
import { rollbackPublication } from '../../../models/node/sync/rollbackPublication';
import { ONDECK_SDK_VERSION } from '../../../worker/sync/sdkVersion';
import { parseNumberOption } from '../parseOptionValues';
import { parseDuration } from '../parseDuration';
import { refreshPublication } from '../../../models/node/sync/refreshPublication';

interface PublishFlags {
  model?: string;
  out: string;
  key: string[];
  rollback?: string;
  refresh?: boolean;
  expiresIn?: string;
  newLineage?: boolean;
  keepDeltas?: string;
  deltaMargin?: string;
  minSdk?: string;
  popularityTolerance?: string;
  rowTolerance?: string;
  prune?: boolean;
  quiet?: boolean;
}

/** `ondeck publish`: a model directory → immutable blobs + signed manifest in a CDN directory. */
export function registerPublishCommand(program: Command): void {
  program
    .command('publish')
    .description('publish a model as a new signed version of a sync directory (snapshot + delta blobs, manifest.json); see docs/sync.md')
    .requiredOption('--out <dir>', 'publish directory, served as is by any CDN or static server; locked (.ondeck-publish.lock) while a publish, rollback or prune writes it')
    .requiredOption(
      '--key <file...>',
      'Ed25519 private key PEM from `ondeck keygen`; never inside --out, which is served as a whole. Several (--key a.pem --key b.pem) each sign the manifest, for devices that need a threshold of signatures',
    )
    .option('--model <dir>', 'model directory from `ondeck export` / `ondeck import`')
    .option('--rollback <version>', "instead of publishing a model, publish an older version's model again as a new, higher version (devices never go down a version)")
    .option('--refresh', 'instead of publishing a model, re-sign the current manifest with a new expiry (for a scheduled job; nothing else changes)')
    .option('--expires-in <duration>', 'how long devices accept the manifest, e.g. 36h or 5d; refresh before it runs out (default 5d)')
    .option('--new-lineage', 'accept a model that does not continue the published lineage (other basis, dims or catalog); devices download the snapshot')
    .option('--keep-deltas <n>', 'deltas listed in the manifest (default 7)')
    .option('--delta-margin <fraction>', 'ship a delta only if it is at most (1 − margin) × the snapshot (default 0.2)')
    .option('--min-sdk <semver>', `oldest device SDK that may install this version (default ${ONDECK_SDK_VERSION})`)
    .option('--popularity-tolerance <fraction>', 'keep the previous popularity of a title unless it moved by more than this (default 0.1; 0 = exact)')
    .option(
      '--row-tolerance <fraction>',
      'keep the previous int8 row of a title whose factors moved less than this (relative L2; default 0 = only identical rows; 0.05–0.1 keeps the drift of a warm-started retrain out of deltas, 0.01 still ships nearly every row; see docs/sync.md)',
    )
    .option('--prune', 'delete blobs that neither the manifest nor the newest --keep-deltas versions use')
    .option('--quiet', 'no summary on stderr')
    .action(async (flags: PublishFlags) => {
      const privateKeyPem: string[] = [];
      for (const keyFile of flags.key) {
        privateKeyPem.push(await readKey(keyFile));
        await refuseSigningKeyInPublishDirectory(flags.out, keyFile);
      }
      if ([flags.model, flags.rollback, flags.refresh].filter((flag) => flag !== undefined).length !== 1) {
        throw new OndeckError('invalid-argument', { name: 'options', reason: 'pass exactly one of --model, --rollback and --refresh' });
      }
      const expiresInMs = flags.expiresIn === undefined ? undefined : parseDuration('expires-in', flags.expiresIn) * 1000;
      if (flags.refresh) {
        const manifest = await refreshPublication({ outDirectory: flags.out, privateKeyPem, expiresInMs });
        process.stdout.write(`${JSON.stringify({ version: manifest.version, lineageId: manifest.lineageId, directoryId: manifest.directoryId, expires: manifest.expires })}\n`);
        if (!flags.quiet) process.stderr.write(`refreshed v${manifest.version}: devices accept it until ${manifest.expires} → ${flags.out}/manifest.json\n`);
        return;
      }
      if (flags.rollback !== undefined) {
        const version = parseNumberOption('rollback', flags.rollback, { min: 1, integer: true })!;
        const result = await rollbackPublication({ outDirectory: flags.out, privateKeyPem, version, expiresInMs });
        const { manifest } = result;
        process.stdout.write(
          `${JSON.stringify({ version: manifest.version, restoredVersion: result.restoredVersion, lineageId: manifest.lineageId, directoryId: manifest.directoryId, deltaBytes: result.delta?.bytes ?? null, expires: manifest.expires })}\n`,
        );
        if (!flags.quiet) process.stderr.write(`published v${manifest.version} with the model of v${result.restoredVersion} (rollback) → ${flags.out}/manifest.json\n`);
        return;
      }
      const result = await publishModel({
        modelDirectory: flags.model!,
        outDirectory: flags.out,
        privateKeyPem,
        newLineage: flags.newLineage,
        keepDeltas: parseNumberOption('keep-deltas', flags.keepDeltas, { min: 0, max: 64, integer: true }),
        deltaMargin: parseNumberOption('delta-margin', flags.deltaMargin, { min: 0, max: 0.99 }),
        minSdkVersion: flags.minSdk ?? ONDECK_SDK_VERSION,
        popularityTolerance: parseNumberOption('popularity-tolerance', flags.popularityTolerance, { min: 0, max: 1 }),
        rowTolerance: parseNumberOption('row-tolerance', flags.rowTolerance, { min: 0, max: 1 }),
        prune: flags.prune,
        expiresInMs,
      });
      const { manifest, snapshot, delta } = result;
      process.stdout.write(
        `${JSON.stringify({
          version: manifest.version,
          lineageId: manifest.lineageId,
          directoryId: manifest.directoryId,
          snapshotBytes: snapshot.bytes,
          deltaBytes: delta?.bytes ?? null,
          deltaSkipped: result.deltaSkipped ?? null,
          deltas: manifest.deltas.length,
          pruned: result.pruned.length,
        })}\n`,
      );
      if (!flags.quiet) {
        const deltaText = delta
          ? `delta from v${delta.fromVersion}: ${delta.bytes} bytes (${((100 * delta.bytes) / snapshot.bytes).toFixed(1)}% of the snapshot, ${result.deltaSummary?.upsertedRows ?? 0} rows)`
          : `no delta (${result.deltaSkipped})`;
        process.stderr.write(`published v${manifest.version} (lineage ${manifest.lineageId.slice(0, 8)}): snapshot ${snapshot.bytes} bytes, ${deltaText} → ${flags.out}\n`);
      }
    });
}

async function readKey(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    throw new OndeckError('file-not-found', { path });
  }
}
