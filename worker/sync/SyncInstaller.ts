import type { ModelManifest } from '../../models/artifact/ModelManifest';
import type { ModelTables } from '../../models/sync/decodeModelTables';
import type { ServingVersion } from './planSync';

/** A version rebuilt from the serving one and a chain of deltas, for {@link SyncInstaller.installDelta}. */
export interface DeltaUpdate {
  /** The new version's tables, from `applyDeltaToTables`. */
  readonly tables: ModelTables;
  /** `modelVersion` of the version the chain applied to. */
  readonly baseVersion: number;
  /** The chain's delta blobs, decompressed, in order. */
  readonly deltas: readonly Uint8Array[];
}

/**
 * What sync needs from the engine: what it serves now, and two ways to install a new version.
 * Sync only fetches and verifies signatures and hashes; storing and swapping a version is the
 * installer's (the engine's model lifecycle), so one sync touches the engine through these four
 * calls only.
 */
export interface SyncInstaller {
  /** The version the engine serves right now, if any. */
  servingVersion(): ServingVersion | undefined;
  /**
   * The decoded tables of the version served right now (a delta chain applies to them), or
   * `undefined` when they are not available (no model, or one stored without its model.json bytes).
   */
  servingTables(): ModelTables | undefined;
  /**
   * Verifies every file against `manifest`, stores the version atomically and makes it the one
   * served; on any failure leaves the serving version as it was and rejects.
   */
  install(manifest: ModelManifest, files: Map<string, Uint8Array>): Promise<unknown>;
  /**
   * Like `install` for a version rebuilt from deltas: verifies the rebuilt tables against their
   * model.json, journals the version as `baseVersion` plus `deltas` (decompressed) and swaps it in.
   */
  installDelta(update: DeltaUpdate): Promise<unknown>;
}
