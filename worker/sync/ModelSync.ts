import { MODEL_FILES, type ModelManifest } from '../../models/artifact/ModelManifest';
import { parseManifest } from '../../models/artifact/parseManifest';
import { OndeckError, isOndeckError } from '../../models/errors/OndeckError';
import { applyDeltaToTables } from '../../models/sync/applyDelta';
import type { ModelTables } from '../../models/sync/decodeModelTables';
import { decodeSnapshotBlob } from '../../models/sync/snapshotBlob';
import type { BlobReference, SyncManifest } from '../../models/sync/SyncManifest';
import type { SyncLimits, SyncProgress, SyncResult } from '../../models/contract/types';
import type { EngineStorage } from '../storage/EngineStorage';
import { decompressBlob, type GunzipImplementation } from './decompressBlob';
import type { DownloadCache } from './DownloadCache';
import { downloadBlob } from './downloadBlob';
import { fetchManifest } from './fetchManifest';
import { openSignedManifest } from './openSignedManifest';
import { followRootChain } from './followRootChain';
import { trustedKeysOf } from './openRootDocument';
import type { SyncRoot } from '../../models/sync/SyncRoot';
import { planSync, type ServingVersion } from './planSync';
import type { DeltaUpdate, SyncInstaller } from './SyncInstaller';
import type { Ed25519Implementation } from './verifyEd25519';
import { STATE_KEYS } from '../storage/OndeckDatabaseSchema';

/** State key under which sync keeps its bookkeeping. */
export const SYNC_STATE_KEY = STATE_KEYS.syncState;

/** What sync persists between attempts (in the engine storage's `state` store). */
export interface SyncState {
  /** ETag of the last manifest fully dealt with, and the version served when it was. */
  readonly etag?: string;
  readonly lineageId?: string;
  readonly version?: number;
  /**
   * The highest version of any manifest this device has verified: a manifest below it is a replay
   * or a rollback attack and is refused, whether or not that version was ever installed.
   */
  readonly highestVersion?: number;
  /** Expiry (ms since the epoch) of the last fresh manifest verified: past it, the device is stale. */
  readonly freshUntil?: number;
  /** The publish directory this device is bound to: pinned at the first verified manifest unless configured. */
  readonly directoryId?: string;
  /** The newest root document this device has verified, when it trusts by roots. */
  readonly root?: SyncRoot;
}

/** Options of {@link ModelSync}. */
export interface ModelSyncOptions {
  /** Directory holding `manifest.json`, ending in `/`. */
  readonly syncUrl: string;
  /** Raw 32-byte Ed25519 keys the device trusts. */
  readonly publicKeys: readonly Uint8Array[];
  /** How many of them must have signed a manifest. */
  readonly threshold: number;
  /** The publish directory's identity the device is configured with; else the first one verified is pinned. */
  readonly directoryId?: string;
  /**
   * The root document the app shipped with: when set, manifests are trusted by the manifest role
   * of the newest root reached from it (followRootChain), bound to its directory, and
   * `publicKeys` / `threshold` / `directoryId` are not used.
   */
  readonly shippedRoot?: SyncRoot;
  readonly fetch: typeof fetch;
  readonly storage: Pick<EngineStorage, 'getState' | 'setState'>;
  readonly cache: DownloadCache;
  /** The engine side: what it serves, and how a new version is installed. */
  readonly installer: SyncInstaller;
  /** Deadlines of one attempt. */
  readonly limits: Required<SyncLimits>;
  readonly onProgress?: (progress: SyncProgress) => void;
  /** Clock, for tests. @defaultValue Date.now */
  readonly now?: () => number;
  /** Forced implementations, for tests on engines that have the native ones. */
  readonly implementations?: { readonly signature?: Ed25519Implementation; readonly gunzip?: GunzipImplementation };
}

/**
 * One sync attempt against a publish directory (`ondeck publish` output on any CDN): a
 * conditional GET of `manifest.json`, the signature checked with the configured key, the plan
 * (nothing, a delta chain or the snapshot; {@link planSync}), the blobs downloaded with resume
 * and verified against the signed SHA-256, the new model files rebuilt and handed to `install`,
 * which verifies each file against its model.json, commits it in one storage transaction and
 * swaps it in. Any failure before `install` returns leaves the serving version untouched; the
 * history is never read or written. A delta chain that does not apply falls back to the snapshot
 * within the same attempt.
 *
 * @example
 * ```ts
 * const sync = new ModelSync({ syncUrl, publicKey, fetch, storage, cache, installer: engineLifecycle });
 * const outcome = await sync.runOnce(); // { result: 'updated', version: 7, path: 'delta', … }
 * ```
 */
export class ModelSync {
  constructor(private readonly options: ModelSyncOptions) {}

  async runOnce(): Promise<SyncResult> {
    const { options } = this;
    const now = options.now ?? Date.now;
    const serving = options.installer.servingVersion();
    const state = await this.readState();
    // The stored ETag stands for "that manifest was dealt with while serving this version": valid
    // only while the device still serves it (storage may have fallen back, or been restored), and
    // only with a known expiry, so that a 304 can be checked for freshness too.
    const etag = state.etag && serving && state.lineageId === serving.lineageId && state.version === serving.version && state.freshUntil ? state.etag : undefined;
    options.onProgress?.({ phase: 'checking', receivedBytes: 0, totalBytes: 0 });
    const response = await fetchManifest(options.fetch, `${options.syncUrl}manifest.json`, etag, options.limits.manifestTimeoutMs);
    if (response.kind === 'not-modified') {
      // "Nothing new" is only believed while the manifest it refers to is fresh: a server (or an
      // attacker in the path) answering 304 forever would otherwise freeze the device silently.
      if (state.freshUntil !== undefined && now() >= state.freshUntil) throw expired(state.version, state.freshUntil);
      return { result: 'not-modified', downloadedBytes: 0, resumedBytes: 0 };
    }
    // No serving context for the parser: a same-lineage manifest whose dims changed is not
    // refused outright; planSync sends it down the snapshot path, which is self-consistent.
    const trust = await this.currentTrust(state);
    const { manifest, verifier } = await openSignedManifest(response.bytes, trust.publicKeys, trust.threshold, options.implementations?.signature);
    await this.checkFreshAndMonotonic(manifest, await this.readState(), serving, trust.directoryId);
    const plan = planSync(serving, manifest);
    if (plan.kind === 'current') {
      await this.remember(response.etag, serving);
      return { result: 'current', version: manifest.version, downloadedBytes: 0, resumedBytes: 0, signatureCheck: verifier };
    }
    // Partial downloads of blobs this manifest no longer names will never be needed.
    const wanted = [manifest.snapshot.sha256].concat(plan.kind === 'delta' ? plan.chain.map((delta) => delta.sha256) : []);
    // Not awaited: it only deletes other blobs' records, and the download below reads and writes
    // only the wanted ones (IndexedDB runs the two transactions in order anyway).
    void options.cache.discardExcept(wanted).catch(() => undefined);

    const counters = { downloadedBytes: 0, resumedBytes: 0 };
    let deltaFallback: string | undefined;
    if (plan.kind === 'delta') {
      try {
        const update = await this.applyDeltaChain(manifest, plan.chain, plan.bytes, counters);
        checkAnnounced(manifest, update.tables.manifest);
        await options.installer.installDelta(update);
        await this.finish(response.etag);
        return { result: 'updated', version: manifest.version, path: 'delta', ...counters, signatureCheck: verifier };
      } catch (error) {
        // A network failure is retried later as it is; anything else means this chain cannot
        // work (a base that is not what the delta expects, a bad blob): the snapshot always can.
        if (isOndeckError(error, 'network-failed')) throw error;
        deltaFallback = error instanceof Error ? error.message : String(error);
      }
    }
    const bytes = await this.download(manifest, manifest.snapshot, 'snapshot', 0, manifest.snapshot.bytes, counters);
    options.onProgress?.({ phase: 'applying', version: manifest.version, path: 'snapshot', receivedBytes: manifest.snapshot.bytes, totalBytes: manifest.snapshot.bytes });
    const files = decodeSnapshotBlob(bytes);
    await this.installChecked(manifest, files);
    await this.finish(response.etag);
    return { result: 'updated', version: manifest.version, path: 'snapshot', ...counters, signatureCheck: verifier, ...(deltaFallback ? { deltaFallback } : {}) };
  }

  private async applyDeltaChain(
    manifest: SyncManifest,
    chain: readonly BlobReference[],
    totalBytes: number,
    counters: { downloadedBytes: number; resumedBytes: number },
  ): Promise<DeltaUpdate> {
    // The chain applies to the tables in memory: the serving version was verified when it was
    // loaded, and reading it back from storage would cost a full decode.
    const base = this.options.installer.servingTables();
    const serving = this.options.installer.servingVersion();
    if (!base || !serving || base.manifest.lineageId !== serving.lineageId || base.manifest.modelVersion !== serving.version) {
      throw new OndeckError('sync-delta-invalid', { blob: 'delta', reason: 'the serving version has no decoded tables with model.json bytes to apply a delta to' });
    }
    let tables = base;
    const deltas: Uint8Array[] = [];
    let done = 0;
    for (const delta of chain) {
      const bytes = await this.download(manifest, delta, 'delta', done, totalBytes, counters);
      done += delta.bytes;
      tables = applyDeltaToTables(tables, bytes);
      deltas.push(bytes);
    }
    this.options.onProgress?.({ phase: 'applying', version: manifest.version, path: 'delta', receivedBytes: totalBytes, totalBytes });
    return { tables, baseVersion: base.manifest.modelVersion, deltas };
  }

  /** Downloads, verifies and decodes one blob, reporting progress over the whole plan. */
  private async download(
    manifest: SyncManifest,
    reference: BlobReference,
    path: 'delta' | 'snapshot',
    before: number,
    totalBytes: number,
    counters: { downloadedBytes: number; resumedBytes: number },
  ): Promise<Uint8Array> {
    const { bytes, resumedFrom } = await downloadBlob({
      url: `${this.options.syncUrl}${reference.path}`,
      reference,
      cache: this.options.cache,
      fetch: this.options.fetch,
      minimumBytesPerSecond: this.options.limits.minimumBytesPerSecond,
      rateWindowMs: this.options.limits.rateWindowMs,
      onProgress: (received) => this.options.onProgress?.({ phase: 'downloading', version: manifest.version, path, receivedBytes: before + received, totalBytes }),
    });
    counters.resumedBytes += resumedFrom;
    counters.downloadedBytes += reference.bytes - resumedFrom;
    return decompressBlob(bytes, reference.encoding, reference.decodedBytes, reference.path, this.options.implementations?.gunzip);
  }

  /** Checks the snapshot's model is the one the signed manifest announced, then installs it. */
  private async installChecked(manifest: SyncManifest, files: Map<string, Uint8Array>): Promise<void> {
    const modelJson = files.get(MODEL_FILES.manifest);
    if (!modelJson) throw new OndeckError('model-corrupt', { file: MODEL_FILES.manifest, reason: 'missing from the synced model' });
    const model = parseManifest(new TextDecoder().decode(modelJson));
    checkAnnounced(manifest, model);
    await this.options.installer.install(model, files);
  }

  private async finish(etag: string | undefined): Promise<void> {
    await this.remember(etag, this.options.installer.servingVersion());
    // Applied: the downloaded blobs are in the model store now. Not awaited: it is clean-up, and
    // the update is complete without it (leftovers are discarded by the next attempt).
    void this.options.cache.discardExcept([]).catch(() => undefined);
  }

  /** The expiry (ms since the epoch) of the last fresh manifest verified, as stored. */
  async freshUntil(): Promise<number | undefined> {
    return (await this.readState()).freshUntil;
  }

  /**
   * TUF's freshness, rollback and mix-and-match rules, on a manifest whose signatures were
   * verified: it must carry an expiry and not be past it, belong to the publish directory this
   * device is bound to, and its version must not be below the highest this device has verified
   * (persisted, so a reload does not forget it). What it proves is recorded before anything is
   * downloaded.
   */
  /**
   * The keys manifests must be signed with now: the configured ones, or (with a shipped root) the
   * manifest role of the newest root, after following the directory's root rotations from the
   * newest root this device trusts (persisted, so a reload keeps rotations already taken).
   */
  private async currentTrust(state: SyncState): Promise<{ publicKeys: readonly Uint8Array[]; threshold: number; directoryId?: string }> {
    const { options } = this;
    if (!options.shippedRoot) return options;
    const stored = state.root && state.root.directoryId === options.shippedRoot.directoryId && state.root.version > options.shippedRoot.version ? state.root : undefined;
    const root = await followRootChain(stored ?? options.shippedRoot, {
      syncUrl: options.syncUrl,
      fetch: options.fetch,
      timeoutMs: options.limits.manifestTimeoutMs,
      implementation: options.implementations?.signature,
      onStep: async (next) => this.writeState({ ...(await this.readState()), root: next }),
    });
    return { ...trustedKeysOf(root, 'manifest'), directoryId: root.directoryId };
  }

  private async checkFreshAndMonotonic(manifest: SyncManifest, state: SyncState, serving: ServingVersion | undefined, configuredDirectoryId: string | undefined): Promise<void> {
    const missing = manifest.expires === undefined ? 'expires' : manifest.directoryId === undefined ? 'directoryId' : undefined;
    if (missing) {
      throw new OndeckError('sync-manifest-invalid', { field: missing, reason: `the manifest has no ${missing}; publish it with this ondeck (\`ondeck publish --refresh\`)` });
    }
    // Bound to one endpoint (TUF's mix-and-match): the configured directory, else the first seen.
    const directoryId = configuredDirectoryId ?? state.directoryId ?? manifest.directoryId!;
    if (manifest.directoryId !== directoryId) {
      throw new OndeckError('sync-refused', {
        reason: `the manifest belongs to publish directory ${manifest.directoryId}, this device is bound to ${directoryId} (a manifest of another directory signed with the same key)`,
      });
    }
    const highest = Math.max(state.highestVersion ?? 0, serving?.version ?? 0);
    if (manifest.version < highest) {
      throw new OndeckError('sync-refused', {
        reason: `the manifest offers version ${manifest.version}, lower than version ${highest} this device has already verified (a replayed or rolled-back manifest; a rollback is published as a new version)`,
      });
    }
    const expires = Date.parse(manifest.expires!);
    if ((this.options.now ?? Date.now)() >= expires) {
      // An expired manifest proves nothing: the last fresh one still speaks until its own expiry.
      // A device that never saw a fresh one is stale since this one expired.
      await this.writeState({ ...state, freshUntil: state.freshUntil ?? expires });
      throw expired(manifest.version, expires);
    }
    // The newest verified manifest sets the horizon, even a nearer one (a shorter lifetime).
    await this.writeState({ ...state, highestVersion: Math.max(highest, manifest.version), freshUntil: expires, directoryId });
  }

  private async readState(): Promise<SyncState> {
    return (await this.options.storage.getState<SyncState>(SYNC_STATE_KEY).catch(() => undefined)) ?? {};
  }

  private async writeState(state: SyncState): Promise<void> {
    await this.options.storage.setState(SYNC_STATE_KEY, state).catch(() => undefined);
  }

  private async remember(etag: string | undefined, serving: ServingVersion | undefined): Promise<void> {
    // What the checks proved stays; the ETag is valid only with the version served when it was seen.
    const { highestVersion, freshUntil, directoryId, root } = await this.readState();
    const kept: SyncState = { highestVersion, freshUntil, directoryId, root };
    await this.writeState(etag && serving ? { ...kept, etag, lineageId: serving.lineageId, version: serving.version } : kept);
  }
}

/** The `sync-expired` error: the newest manifest available is past its expiry. */
function expired(version: number | undefined, expiresMs: number): OndeckError {
  return new OndeckError('sync-expired', { version: version ?? 'unknown', expires: new Date(expiresMs).toISOString() });
}

/** Throws `model-corrupt` unless `model` is the version the signed manifest announces. */
function checkAnnounced(manifest: SyncManifest, model: ModelManifest): void {
  const expected = `${manifest.lineageId} v${manifest.version} ${manifest.itemCount}×${manifest.dims}`;
  const got = `${model.lineageId} v${model.modelVersion} ${model.itemCount}×${model.dims}`;
  if (expected !== got) throw new OndeckError('model-corrupt', { file: MODEL_FILES.manifest, reason: `the signed manifest announces ${expected}, the model is ${got}` });
}
