/**
 * The sync protocol's signed manifest (docs/sync.md). A publish directory served by any CDN holds
 * `manifest.json` (short-lived, signed) and immutable content-addressed blobs under `blobs/`.
 *
 * `manifest.json` is a {@link SignedManifest} envelope: the exact payload bytes (base64) and an
 * Ed25519 signature over those bytes, so verification never depends on re-serialising JSON.
 */

/** Version of the sync manifest format this build reads and writes. */
export const SYNC_FORMAT_VERSION = 1;

/**
 * The highest model version a manifest may carry (2^31 − 1: a version an hour for 245,000 years).
 * Versions only go up, so a bound keeps a leaked key from exhausting the number space
 * ("fast-forward") and keeps every version exact in a double and in an int32.
 */
export const MAX_MODEL_VERSION = 0x7fffffff;

/** `format` field of every sync manifest payload. */
export const SYNC_FORMAT_NAME = 'ondeck-sync';

/** One signature over a manifest's payload bytes. */
export interface ManifestSignature {
  /** Hex of the first 8 bytes of SHA-256(raw 32-byte public key): which key signed. */
  readonly keyId: string;
  /** Base64 Ed25519 signature of the payload bytes. */
  readonly signature: string;
}

/** Most signatures an envelope may carry (a key ceremony needs a handful, not hundreds). */
export const MAX_MANIFEST_SIGNATURES = 16;

/** The envelope stored as manifest.json. */
export interface SignedManifest {
  /** Base64 of the UTF-8 JSON bytes of a {@link SyncManifest}: exactly what was signed. */
  readonly payload: string;
  /** One signature per signing key, distinct key ids; a device needs its threshold of them from keys it trusts. */
  readonly signatures: readonly ManifestSignature[];
  /**
   * The first signature again, in the single-key envelope that SDKs before several keys read, so
   * a manifest signed by their one key still verifies on them.
   */
  readonly signature?: string;
  /** With `signature`: its key id. */
  readonly keyId?: string;
}

/** One immutable blob of the publish directory. */
export interface BlobReference {
  /** Path relative to the manifest, `blobs/<sha256>.<kind>`. */
  readonly path: string;
  /** Lower-case hex SHA-256 of the blob bytes as served (after compression). */
  readonly sha256: string;
  /** Size as served. The device refuses to read more. */
  readonly bytes: number;
  /** `gzip` or `identity`. */
  readonly encoding: 'gzip' | 'identity';
  /** Size after decompression (a bound for the decompressor). */
  readonly decodedBytes: number;
}

/** A delta from one version to the next within a lineage. */
export interface DeltaReference extends BlobReference {
  readonly fromVersion: number;
  readonly toVersion: number;
}

/** The signed content of manifest.json. */
export interface SyncManifest {
  readonly format: typeof SYNC_FORMAT_NAME;
  readonly formatVersion: number;
  /** Latent basis: deltas only apply within one lineage. */
  readonly lineageId: string;
  /**
   * The publish directory's identity, created at its first publish and signed into every manifest
   * after: a device pins it (configured, or at its first verified manifest) and refuses manifests
   * of another directory signed by the same key ("mix-and-match"). Optional in the format only so
   * that an older directory can be refreshed; devices refuse a manifest without it.
   */
  readonly directoryId?: string;
  /** Monotonic model version of the snapshot. */
  readonly version: number;
  /** Previous published version (absent for the first). */
  readonly parentVersion?: number;
  /** Oldest device SDK version (semver) that can read this model. */
  readonly minSdkVersion: string;
  readonly publishedAt: string;
  /**
   * ISO time after which devices refuse this manifest (TUF's freshness): a replayed or frozen
   * manifest stops being accepted when it expires, and the device says it is stale. Written by
   * every publish and by `ondeck publish --refresh`; devices refuse a manifest without it.
   * Optional in the format only so that a directory published before it existed can be refreshed.
   */
  readonly expires?: string;
  /**
   * Legacy: written by `ondeck publish --rollback` before rollbacks became new versions. Parsed
   * for old directories; devices give it no meaning (a lower version is always refused).
   */
  readonly rollback?: boolean;
  /** Legacy, with `rollback`: the newest version published before that rollback. */
  readonly rollbackFrom?: number;
  /** Shape of the model, checked before anything is downloaded. */
  readonly dims: number;
  readonly itemCount: number;
  /** The full model at `version`. */
  readonly snapshot: BlobReference;
  /**
   * Deltas between consecutive recent versions, oldest first, each starting where the previous
   * one ends and the last ending at `version` (docs/sync.md). Empty when the newest step had no
   * delta worth shipping.
   */
  readonly deltas: readonly DeltaReference[];
}
