import { randomUUID } from 'node:crypto';
import { MODEL_FILES } from '../../artifact/ModelManifest';
import { readModelDirectory } from '../artifact/modelDirectory';
import type { OndeckModel } from '../../artifact/OndeckModel';
import { OndeckError } from '../../errors/OndeckError';
import { buildScoringGraph } from '../../onnx/buildScoringGraph';
import { applyDelta } from '../../sync/applyDelta';
import { canonicalizeModel } from '../../sync/canonicalizeModel';
import { computeDelta, type DeltaSummary } from '../../sync/computeDelta';
import { decodeModelTables } from '../../sync/decodeModelTables';
import { encodeModelFiles } from '../../sync/encodeModelFiles';
import { encodeSnapshotBlob } from '../../sync/snapshotBlob';
import { MAX_MODEL_VERSION, SYNC_FORMAT_NAME, SYNC_FORMAT_VERSION, type BlobReference, type DeltaReference, type SignedManifest, type SyncManifest } from '../../sync/SyncManifest';
import { publicKeysOf, signManifest, verifiedPayload } from './manifestSigning';
import { keysOfDirectory, readNewestRoot } from './publishRoot';
import { roleKeys } from '../../sync/checkRootSuccession';
import { pruneUnreferencedBlobs } from './prunePublication';
import { gzipBlob, listPublishedVersions, readPublishedManifest, readSnapshotFiles, writeBlob, writeSignedManifest } from './publicationFiles';
import { withPublicationLock } from './withPublicationLock';

/** Options of {@link publishModel}. */
export interface PublishOptions {
  /** Model directory to publish (`ondeck export` output). */
  readonly modelDirectory: string;
  /** Publish directory (what the CDN serves). Created if missing. */
  readonly outDirectory: string;
  /**
   * PKCS#8 PEM of the Ed25519 signing key, or of several: each signs the manifest (devices with
   * `publicKeys` and a threshold need that many); the directory's current manifest must be signed
   * by at least one of them.
   */
  readonly privateKeyPem: string | readonly string[];
  /** Start a new lineage: no delta, devices download the snapshot. @defaultValue false */
  readonly newLineage?: boolean;
  /** Deltas listed in the manifest (the newest consecutive ones). @defaultValue 7 */
  readonly keepDeltas?: number;
  /**
   * A delta is shipped only if its compressed size is at most `(1 − deltaMargin)` × the compressed
   * snapshot's: below that margin a device might as well fetch the snapshot, which is also cached
   * by the CDN for every device that is further behind. @defaultValue 0.2
   */
  readonly deltaMargin?: number;
  /** @defaultValue the SDK version this build ships */
  readonly minSdkVersion?: string;
  /** See `canonicalizeModel`. @defaultValue 0.1 */
  readonly popularityTolerance?: number;
  /** See `canonicalizeModel`: keep rows that moved less than this (relative L2). @defaultValue 0 */
  readonly rowTolerance?: number;
  /** Delete blobs no manifest of the newest `keepDeltas` versions refers to. @defaultValue false */
  readonly prune?: boolean;
  /**
   * How long devices accept the manifest: past it they refuse it and report themselves stale, so
   * a scheduled `ondeck publish --refresh` must re-sign it before then. @defaultValue 5 days
   */
  readonly expiresInMs?: number;
  /** Clock, for tests. */
  readonly now?: () => Date;
}

/** What {@link publishModel} did. */
export interface PublishResult {
  readonly manifest: SyncManifest;
  readonly snapshot: BlobReference;
  /** The delta from the previous version, when one was shipped. */
  readonly delta?: DeltaReference;
  /** Why no delta was shipped (first version, new lineage, not smaller by the margin). */
  readonly deltaSkipped?: string;
  readonly deltaSummary?: DeltaSummary;
  /** Blob paths deleted by `prune`. */
  readonly pruned: readonly string[];
}

/** How long a manifest is valid unless told otherwise: long enough for a weekend without a refresh, short enough to bound a freeze. */
export const DEFAULT_MANIFEST_LIFETIME_MS = 5 * 24 * 60 * 60 * 1000;

/**
 * How far above the highest published version a model's own version may take the next one. A
 * retrain counts its versions up by one; a jump of thousands is a mistake (or a leaked key's
 * "fast-forward") that would leave the number space, and every device, behind it.
 */
export const MAX_PUBLISH_VERSION_STEP = 1000;

/** SDK version the published models need unless told otherwise (kept equal to package.json by a test). */
export const DEFAULT_MIN_SDK_VERSION = '0.1.0';

/**
 * `ondeck publish`: turns a model directory into a new version of a publish directory. It reads the
 * current manifest (verified with the signing key's public half), refuses a model that does not
 * continue its lineage (other lineage id or dims, or most of the catalog replaced) unless
 * `newLineage`, canonicalises the model against the previous version, writes the gzip snapshot
 * blob and, if it is small enough, the delta from the previous version (checked by applying it),
 * and signs a manifest with a version above every version published before. The whole
 * read-modify-write (and the prune) runs under the directory's lock ({@link withPublicationLock}),
 * so a concurrent publish, rollback or prune of the same directory fails instead of racing.
 *
 * @throws OndeckError `sync-lineage-mismatch`, `signature-invalid`, `model-*` errors of the input,
 *   `publication-locked` while another publish, rollback or prune writes the directory.
 * @example
 * ```ts
 * const result = await publishModel({ modelDirectory: 'build/model', outDirectory: 'cdn', privateKeyPem });
 * console.log(result.manifest.version, result.delta?.bytes, result.snapshot.bytes);
 * ```
 */
export async function publishModel(options: PublishOptions): Promise<PublishResult> {
  const { outDirectory, privateKeyPem } = options;
  const keepDeltas = options.keepDeltas ?? 7;
  const margin = options.deltaMargin ?? 0.2;
  if (!Number.isInteger(keepDeltas) || keepDeltas < 0 || keepDeltas > 64)
    throw new OndeckError('invalid-argument', { name: 'keepDeltas', reason: `must be an integer in 0..64, got ${keepDeltas}` });
  if (!(margin >= 0 && margin < 1)) throw new OndeckError('invalid-argument', { name: 'deltaMargin', reason: `must be in [0, 1), got ${margin}` });
  checkManifestLifetime(options.expiresInMs);
  // Locked before reading anything, the model included: two runs started together then always
  // collide on the lock instead of depending on which finishes reading its model first.
  return withPublicationLock(outDirectory, 'publish', async () => {
    const publicKeyBase64 = await keysOfDirectory(outDirectory, publicKeysOf(privateKeyPem));
    return publishNextVersion(
      options,
      publicKeyBase64,
      keepDeltas,
      margin,
      await readModelDirectory(options.modelDirectory),
      await readPublishedManifest(outDirectory, publicKeyBase64),
    );
  });
}

/** Refuses a manifest lifetime that is not between a minute and a year. */
export function checkManifestLifetime(expiresInMs: number | undefined): void {
  if (expiresInMs === undefined) return;
  if (!(expiresInMs >= 60_000 && expiresInMs <= 366 * 24 * 60 * 60 * 1000)) {
    throw new OndeckError('invalid-argument', { name: 'expiresIn', reason: `must be between 1 minute and 366 days, got ${expiresInMs} ms` });
  }
}

/** The ISO expiry of a manifest signed `now`. */
export function manifestExpiry(now: Date, expiresInMs: number = DEFAULT_MANIFEST_LIFETIME_MS): string {
  return new Date(now.getTime() + expiresInMs).toISOString();
}

/**
 * Publishes `next` as the version after everything published in the directory; the caller holds
 * the directory's lock and has read `previous` (the current manifest) under it. Also the second
 * half of a rollback, whose `next` is an older version's model.
 */
export async function publishNextVersion(
  options: Omit<PublishOptions, 'modelDirectory'>,
  publicKeyBase64: readonly string[],
  keepDeltas: number,
  margin: number,
  next: OndeckModel,
  previous: SyncManifest | undefined,
): Promise<PublishResult> {
  const { outDirectory, privateKeyPem } = options;

  let previousFiles: Map<string, Uint8Array> | undefined;
  let model: OndeckModel;
  let lineageId = next.manifest.lineageId;
  const continues = previous !== undefined && !options.newLineage;
  if (continues) {
    previousFiles = await readSnapshotFiles(outDirectory, previous);
    const previousModel = toModel(previousFiles);
    checkContinuity(previousModel, next);
    model = canonicalizeModel(previousModel, next, { popularityTolerance: options.popularityTolerance, rowTolerance: options.rowTolerance });
  } else {
    if (previous && lineageId === previous.lineageId) lineageId = randomUUID();
    // The graph is always this build's encoding of the factors: devices rebuild it from deltas.
    model = { ...next, scoringGraph: buildScoringGraph(next.factors) };
  }

  const published = await listPublishedVersions(outDirectory);
  const highest = Math.max(0, ...published, previous?.version ?? 0, previous?.rollbackFrom ?? 0);
  if (next.manifest.modelVersion > highest + MAX_PUBLISH_VERSION_STEP) {
    throw new OndeckError('invalid-argument', {
      name: 'model',
      reason: `the model says version ${next.manifest.modelVersion}, more than ${MAX_PUBLISH_VERSION_STEP} above the highest published version ${highest}; versions only go up, so such a jump cannot be taken back`,
    });
  }
  const version = Math.max(highest + 1, next.manifest.modelVersion);
  if (version > MAX_MODEL_VERSION) throw new OndeckError('invalid-argument', { name: 'version', reason: `version ${version} is past the maximum ${MAX_MODEL_VERSION}` });
  model = { ...model, manifest: { ...model.manifest, modelVersion: version, lineageId } };
  const files = encodeModelFiles(model);
  const snapshot = await writeBlob(outDirectory, encodeSnapshotBlob(files), 'snapshot');

  let delta: DeltaReference | undefined;
  let deltaSummary: DeltaSummary | undefined;
  let deltaSkipped: string | undefined;
  if (!previous) deltaSkipped = 'first version';
  else if (!previousFiles) deltaSkipped = 'new lineage';
  else {
    const computed = computeDelta(previousFiles, files);
    deltaSummary = computed.summary;
    // Never ship a delta that does not rebuild exactly the snapshot's files.
    const rebuilt = applyDelta(previousFiles, computed.bytes);
    for (const [name, bytes] of files) {
      if (!sameBytes(rebuilt.get(name), bytes)) throw new Error(`internal error: the delta does not rebuild ${name}`);
    }
    const compressed = gzipBlob(computed.bytes);
    if (compressed.byteLength > Math.floor((1 - margin) * snapshot.bytes)) {
      deltaSkipped = `the delta (${compressed.byteLength} bytes) is not smaller than ${Math.round((1 - margin) * 100)}% of the snapshot (${snapshot.bytes} bytes)`;
    } else {
      delta = { ...(await writeBlob(outDirectory, computed.bytes, 'delta', compressed)), fromVersion: previous.version, toVersion: version };
    }
  }

  // The chain must end at this version: without a new delta the older ones lead nowhere.
  const deltas = delta && previous && keepDeltas > 0 ? [...previous.deltas, delta].slice(-keepDeltas) : [];
  const now = options.now?.() ?? new Date();
  const manifest: SyncManifest = {
    format: SYNC_FORMAT_NAME,
    formatVersion: SYNC_FORMAT_VERSION,
    lineageId,
    // Created at the directory's first publish, then carried over: devices pin it.
    directoryId: previous?.directoryId ?? (await readNewestRoot(outDirectory))?.directoryId ?? randomUUID(),
    version,
    ...(previous ? { parentVersion: previous.version } : {}),
    minSdkVersion: options.minSdkVersion ?? DEFAULT_MIN_SDK_VERSION,
    publishedAt: now.toISOString(),
    expires: manifestExpiry(now, options.expiresInMs),
    dims: model.factors.dims,
    itemCount: model.factors.rows,
    snapshot,
    deltas,
  };
  const signed = signManifest(manifest, privateKeyPem);
  await refuseUnlessRootTrusts(outDirectory, signed, manifest);
  await writeSignedManifest(outDirectory, signed, version, true);
  // pruneUnreferencedBlobs, not prunePublication: this run holds the lock already.
  const pruned = options.prune ? await pruneUnreferencedBlobs(outDirectory, publicKeyBase64, keepDeltas) : [];
  return { manifest, snapshot, ...(delta ? { delta } : {}), ...(deltaSkipped ? { deltaSkipped } : {}), ...(deltaSummary ? { deltaSummary } : {}), pruned };
}

/**
 * When the directory has root documents, devices trust manifests by the newest root's manifest
 * role: a manifest those keys did not sign (enough of them) would be refused by every device, so
 * it is not written.
 *
 * @throws OndeckError `invalid-argument`.
 */
export async function refuseUnlessRootTrusts(outDirectory: string, signed: SignedManifest, manifest: SyncManifest): Promise<void> {
  const root = await readNewestRoot(outDirectory);
  if (!root) return;
  const { publicKeys, threshold } = roleKeys(root, 'manifest');
  const refuse = (reason: string): never => {
    throw new OndeckError('invalid-argument', { name: 'signing keys', reason: `devices trusting root ${root.version} would refuse this manifest: ${reason}` });
  };
  if (manifest.directoryId !== root.directoryId) refuse(`it is for directory ${String(manifest.directoryId)}, the root for ${root.directoryId}`);
  try {
    verifiedPayload(JSON.stringify(signed), [{ publicKeysBase64: publicKeys, threshold }]);
  } catch (error) {
    refuse(error instanceof Error ? error.message : String(error));
  }
}

/** The in-memory model held by a snapshot's files. */
export function toModel(files: Map<string, Uint8Array>): OndeckModel {
  const { manifest, factors, gramian, catalog } = decodeModelTables(files, 'published snapshot');
  return { manifest, factors, gramian, catalog, scoringGraph: files.get(MODEL_FILES.scoringGraph)! };
}

/**
 * A model continues a lineage when it says so (lineage id), has the same dims, and keeps most of
 * the catalog: replacing more than half the titles is a different catalog, whose rows would all
 * ship anyway.
 */
function checkContinuity(previous: OndeckModel, next: OndeckModel): void {
  const refuse = (reason: string): never => {
    throw new OndeckError('sync-lineage-mismatch', { reason });
  };
  if (next.manifest.lineageId !== previous.manifest.lineageId) {
    refuse(`the model's lineage is ${next.manifest.lineageId}, the published one ${previous.manifest.lineageId} (retrain with --warm-start to keep it)`);
  }
  if (next.factors.dims !== previous.factors.dims) refuse(`the model has ${next.factors.dims} dims, the published one ${previous.factors.dims}`);
  const ids = new Set(next.catalog.ids);
  const kept = previous.catalog.ids.filter((id) => ids.has(id)).length;
  if (kept * 2 < previous.catalog.ids.length) refuse(`only ${kept} of the ${previous.catalog.ids.length} published item ids are still in the model`);
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  if (!a || a.byteLength !== b.byteLength) return false;
  return Buffer.compare(a, b) === 0;
}
