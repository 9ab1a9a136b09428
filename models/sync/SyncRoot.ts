import type { SignedManifest } from './SyncManifest';

/** `format` field of every root document payload. */
export const ROOT_FORMAT_NAME = 'ondeck-root';

/** Version of the root document format this build reads and writes. */
export const ROOT_FORMAT_VERSION = 1;

/** Most keys a root document may list. */
export const MAX_ROOT_KEYS = 16;

/** Where a publish directory keeps its root documents: `roots/<version>.json`, never rewritten. */
export const ROOT_DIRECTORY = 'roots';

/** A set of keys and how many of them must sign. */
export interface KeyRole {
  /** Key ids (see `keyIdOf`) of keys listed in {@link SyncRoot.keys}. */
  readonly keyIds: readonly string[];
  /** How many of them must sign: 1 to `keyIds.length`. */
  readonly threshold: number;
}

/**
 * The root document of a publish directory (TUF's root role, adapted to one static directory):
 * which keys may sign manifests, and which keys may sign the next root document. A device ships
 * with a root (`syncRoot`), trusts manifests by its `manifest` role, and moves to root N+1 when
 * it is signed by the `root` role of N and of N+1, so keys are replaced by publishing a root, not
 * by shipping an app update. Stored as `roots/<version>.json`, a {@link SignedManifest}-shaped
 * envelope whose payload is this document.
 */
export interface SyncRoot {
  readonly format: typeof ROOT_FORMAT_NAME;
  readonly formatVersion: number;
  /** 1 for the first root, each rotation one more. */
  readonly version: number;
  /** The publish directory this root governs: the `directoryId` of its manifests. */
  readonly directoryId: string;
  /** Base64 raw 32-byte Ed25519 public keys, by key id. */
  readonly keys: Readonly<Record<string, string>>;
  /** Keys that sign the next root document (keep them offline). */
  readonly root: KeyRole;
  /** Keys that sign manifests (the publish job's). */
  readonly manifest: KeyRole;
}

/** The signed envelope of a root document: the same shape as a manifest's. */
export type SignedRoot = SignedManifest;
