import type { BlobReference, DeltaReference, SyncManifest } from '../../models/sync/SyncManifest';
import { OndeckError } from '../../models/errors/OndeckError';
import { compareSemver, ONDECK_SDK_VERSION } from './sdkVersion';

/** What the device serves now, as far as sync is concerned. */
export interface ServingVersion {
  readonly lineageId: string;
  readonly version: number;
  readonly dims: number;
  readonly itemCount: number;
}

/** What to do about a verified manifest. */
export type SyncPlan =
  | { readonly kind: 'current' }
  | { readonly kind: 'snapshot'; readonly snapshot: BlobReference; readonly bytes: number; readonly reason: string }
  | { readonly kind: 'delta'; readonly chain: readonly DeltaReference[]; readonly bytes: number; readonly snapshot: BlobReference };

/** Largest blob (as served, and decoded) a device accepts, whatever a manifest says. */
export const MAX_BLOB_BYTES = 512 * 1024 * 1024;

/**
 * Decides, before anything is downloaded, whether and how to move from the serving version to a
 * verified manifest's version. Refuses (`sync-refused`) a version that is not newer than the
 * serving one, across lineages too (a replayed manifest of an older lineage must not downgrade a
 * device either; a rollback is published as a new, higher version), a manifest that needs a newer
 * SDK, and blobs above a device's limit. Otherwise picks the cheaper path by total bytes: the chain of deltas from the
 * serving version (only within the same lineage, with the same dims, every link present) or the
 * snapshot. A delta plan names the snapshot too, as the fallback if a delta fails to apply.
 *
 * @example
 * ```ts
 * const plan = planSync(serving, manifest);
 * if (plan.kind === 'delta') for (const delta of plan.chain) files = applyDelta(files, await download(delta));
 * ```
 */
export function planSync(serving: ServingVersion | undefined, manifest: SyncManifest, sdkVersion: string = ONDECK_SDK_VERSION): SyncPlan {
  if (!(compareSemver(manifest.minSdkVersion, sdkVersion) <= 0)) {
    throw new OndeckError('sync-refused', { reason: `version ${manifest.version} needs SDK ${manifest.minSdkVersion}, this is ${sdkVersion}` });
  }
  for (const blob of [manifest.snapshot, ...manifest.deltas]) {
    if (blob.bytes > MAX_BLOB_BYTES || blob.decodedBytes > MAX_BLOB_BYTES) {
      throw new OndeckError('sync-refused', { reason: `${blob.path} is larger than the ${MAX_BLOB_BYTES} bytes a device accepts` });
    }
  }
  if (serving && serving.lineageId === manifest.lineageId && serving.version === manifest.version) return { kind: 'current' };
  if (serving && manifest.version <= serving.version) {
    throw new OndeckError('sync-refused', {
      reason: `the manifest offers version ${manifest.version}${serving.lineageId !== manifest.lineageId ? ' of another lineage' : ''}, not newer than the serving ${serving.version} (versions only go up; a rollback is published as a new version)`,
    });
  }
  const snapshot = { kind: 'snapshot', snapshot: manifest.snapshot, bytes: manifest.snapshot.bytes } as const;
  if (!serving) return { ...snapshot, reason: 'no model on the device' };
  if (serving.lineageId !== manifest.lineageId) return { ...snapshot, reason: 'new lineage' };
  if (serving.dims !== manifest.dims) return { ...snapshot, reason: `dims changed from ${serving.dims} to ${manifest.dims}` };
  const chain = deltaChain(manifest.deltas, serving.version, manifest.version);
  if (!chain) return { ...snapshot, reason: `no delta chain from version ${serving.version}` };
  const bytes = chain.reduce((sum, delta) => sum + delta.bytes, 0);
  if (bytes >= manifest.snapshot.bytes) return { ...snapshot, reason: `deltas (${bytes} bytes) are not smaller than the snapshot` };
  return { kind: 'delta', chain, bytes, snapshot: manifest.snapshot };
}

/** The deltas leading from `from` to `to`, each starting where the previous ended; `undefined` if a link is missing. */
function deltaChain(deltas: readonly DeltaReference[], from: number, to: number): DeltaReference[] | undefined {
  const chain: DeltaReference[] = [];
  let version = from;
  while (version !== to) {
    const next = deltas.find((delta) => delta.fromVersion === version && delta.toVersion > version && delta.toVersion <= to);
    if (!next) return undefined;
    chain.push(next);
    version = next.toVersion;
  }
  return chain;
}
