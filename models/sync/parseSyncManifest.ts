import { OndeckError } from '../errors/OndeckError';
import {
  SYNC_FORMAT_NAME,
  SYNC_FORMAT_VERSION,
  type BlobReference,
  type DeltaReference,
  type ManifestSignature,
  type SignedManifest,
  type SyncManifest,
  MAX_MANIFEST_SIGNATURES,
  MAX_MODEL_VERSION,
} from './SyncManifest';

/** Largest blob a manifest may describe, as served or decoded (2 GiB): anything bigger is hostile. */
export const MAX_SYNC_BLOB_BYTES = 2 ** 31;

/** Largest payload or manifest.json accepted (the real ones are a few KB). */
export const MAX_SYNC_MANIFEST_BYTES = 1 << 20;

/** Most deltas a manifest may list (publish keeps 7 by default). */
export const MAX_SYNC_DELTAS = 64;

/**
 * Deflate cannot expand data by more than ~1032:1, so a gzip blob claiming a larger ratio is lying
 * about `decodedBytes` (or is a decompression bomb).
 */
const MAX_GZIP_RATIO = 1032;

/** What the device serves now, to reject a manifest that contradicts it before any download. */
export interface SyncManifestContext {
  readonly lineageId: string;
  readonly dims: number;
}

/**
 * Parses and checks the signed payload of manifest.json (the JSON text of a {@link SyncManifest},
 * after its signature has been verified). Platform-neutral: the device and `ondeck publish` both
 * use it. Every field is checked for presence, type and range: format name and version, positive
 * integer versions and shape, blob paths of the form `blobs/<sha256>.<kind>` whose name matches
 * their SHA-256, sizes that are integers in 1..2 GiB with a plausible compression ratio, a delta
 * chain whose links meet and end at `version`, and a rollback that says what it rolls back from.
 * With `context` (the serving model), a manifest of the same lineage with other dims is refused.
 * Unknown extra fields are ignored, so a newer publisher can add optional fields.
 *
 * @throws OndeckError `sync-manifest-invalid` with `details.field` naming the first bad field.
 * @example
 * ```ts
 * const manifest = parseSyncManifest(new TextDecoder().decode(payloadBytes), { lineageId, dims });
 * ```
 */
export function parseSyncManifest(payloadText: string, context?: SyncManifestContext): SyncManifest {
  if (payloadText.length > MAX_SYNC_MANIFEST_BYTES) invalid('payload', `longer than ${MAX_SYNC_MANIFEST_BYTES} characters`);
  let value: unknown;
  try {
    value = JSON.parse(payloadText);
  } catch {
    return invalid('payload', 'not valid JSON');
  }
  const manifest = object(value, 'payload');
  if (manifest.format !== SYNC_FORMAT_NAME) invalid('format', `expected "${SYNC_FORMAT_NAME}", got ${describe(manifest.format)}`);
  if (manifest.formatVersion !== SYNC_FORMAT_VERSION) {
    invalid('formatVersion', `this build reads version ${SYNC_FORMAT_VERSION}, got ${describe(manifest.formatVersion)}`);
  }
  const lineageId = string(manifest.lineageId, 'lineageId', 200);
  if (manifest.directoryId !== undefined) string(manifest.directoryId, 'directoryId', 200);
  const version = count(manifest.version, 'version', 1, MAX_MODEL_VERSION);
  if (manifest.parentVersion !== undefined) count(manifest.parentVersion, 'parentVersion', 1, MAX_MODEL_VERSION);
  const minSdkVersion = string(manifest.minSdkVersion, 'minSdkVersion', 64);
  if (!/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?$/.test(minSdkVersion)) invalid('minSdkVersion', `"${minSdkVersion}" is not a semantic version`);
  const publishedAt = string(manifest.publishedAt, 'publishedAt', 64);
  if (Number.isNaN(Date.parse(publishedAt))) invalid('publishedAt', `"${publishedAt}" is not a date`);
  if (manifest.expires !== undefined) {
    const expires = string(manifest.expires, 'expires', 64);
    if (Number.isNaN(Date.parse(expires))) invalid('expires', `"${expires}" is not a date`);
    if (!(Date.parse(expires) > Date.parse(publishedAt))) invalid('expires', `${expires} is not after publishedAt ${publishedAt}`);
  }

  if (manifest.rollback !== undefined && typeof manifest.rollback !== 'boolean') invalid('rollback', `must be a boolean, got ${describe(manifest.rollback)}`);
  if (manifest.rollback === true) {
    const from = count(manifest.rollbackFrom, 'rollbackFrom', 1, MAX_MODEL_VERSION);
    if (from <= version) invalid('rollbackFrom', `a rollback to version ${version} must come from a newer version, got ${from}`);
  } else if (manifest.rollbackFrom !== undefined) {
    invalid('rollbackFrom', 'only a rollback manifest may carry it');
  } else if (manifest.parentVersion !== undefined && (manifest.parentVersion as number) >= version) {
    invalid('parentVersion', `must be older than version ${version}, got ${String(manifest.parentVersion)}`);
  }

  // factors.bin stores dims as u16 and the item count as u32.
  const dims = count(manifest.dims, 'dims', 1, 0xffff);
  count(manifest.itemCount, 'itemCount', 1, 0xffffffff);
  if (context && context.lineageId === lineageId && context.dims !== dims) {
    invalid('dims', `lineage ${lineageId} has ${context.dims} dims on this device, the manifest says ${dims}`);
  }

  blob(manifest.snapshot, 'snapshot', 'snapshot');
  if (!Array.isArray(manifest.deltas)) invalid('deltas', `must be an array, got ${describe(manifest.deltas)}`);
  const deltas = manifest.deltas as unknown[];
  if (deltas.length > MAX_SYNC_DELTAS) invalid('deltas', `${deltas.length} entries, at most ${MAX_SYNC_DELTAS}`);
  deltas.forEach((delta, index) => {
    const field = `deltas[${index}]`;
    const reference = blob(delta, field, 'delta') as unknown as Record<string, unknown>;
    const from = count(reference.fromVersion, `${field}.fromVersion`, 1, MAX_MODEL_VERSION);
    const to = count(reference.toVersion, `${field}.toVersion`, 1, MAX_MODEL_VERSION);
    if (from >= to) invalid(`${field}.toVersion`, `must be newer than fromVersion ${from}, got ${to}`);
    const next = deltas[index + 1] as Partial<DeltaReference> | undefined;
    if (next === undefined && to !== version) invalid(`${field}.toVersion`, `the last delta must end at version ${version}, got ${to}`);
    if (next !== undefined && (next as Record<string, unknown>)?.fromVersion !== to) {
      invalid(`deltas[${index + 1}].fromVersion`, `must continue the chain at ${to}, got ${describe((next as Record<string, unknown>)?.fromVersion)}`);
    }
  });
  return manifest as unknown as SyncManifest;
}

/**
 * Checks the shape of manifest.json, the signed envelope: a base64 `payload` and 1 to
 * {@link MAX_MANIFEST_SIGNATURES} `signatures`, each a 16-hex-digit `keyId` (all distinct) and a
 * base64 64-byte Ed25519 `signature`. The single-key envelope of SDKs before several keys
 * (`signature` and `keyId` at the top level, no `signatures`) is read as one signature. Verifying
 * the signatures is the next step; then {@link parseSyncManifest} reads the payload.
 *
 * @throws OndeckError `sync-manifest-invalid`.
 * @example
 * ```ts
 * const envelope = parseSignedManifest(await response.text());
 * ```
 */
export function parseSignedManifest(text: string): SignedManifest {
  if (text.length > 2 * MAX_SYNC_MANIFEST_BYTES) invalid('manifest.json', `longer than ${2 * MAX_SYNC_MANIFEST_BYTES} characters`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return invalid('manifest.json', 'not valid JSON');
  }
  const envelope = object(value, 'manifest.json');
  const payload = string(envelope.payload, 'payload', 2 * MAX_SYNC_MANIFEST_BYTES);
  if (!isBase64(payload)) invalid('payload', 'not base64');
  if (envelope.signatures === undefined) return { payload, signatures: [signatureEntry(envelope, '')] };
  if (!Array.isArray(envelope.signatures) || envelope.signatures.length < 1 || envelope.signatures.length > MAX_MANIFEST_SIGNATURES) {
    invalid('signatures', `must be an array of 1 to ${MAX_MANIFEST_SIGNATURES} signatures`);
  }
  const signatures = (envelope.signatures as unknown[]).map((entry, index) => signatureEntry(object(entry, `signatures[${index}]`), `signatures[${index}].`));
  if (new Set(signatures.map((entry) => entry.keyId)).size !== signatures.length) invalid('signatures', 'two signatures name the same key');
  return { payload, signatures };
}

/** One `{ keyId, signature }`, checked; `prefix` names where it sits for the error. */
function signatureEntry(entry: Record<string, unknown>, prefix: string): ManifestSignature {
  const signature = string(entry.signature, `${prefix}signature`, 100);
  // 64 bytes of signature are 88 base64 characters with padding.
  if (!isBase64(signature) || signature.length !== 88) invalid(`${prefix}signature`, 'not the base64 of a 64-byte Ed25519 signature');
  const keyId = string(entry.keyId, `${prefix}keyId`, 16);
  if (!/^[0-9a-f]{16}$/.test(keyId)) invalid(`${prefix}keyId`, 'must be 16 lower-case hex digits');
  return { keyId, signature };
}

function blob(value: unknown, field: string, kind: 'snapshot' | 'delta'): BlobReference {
  const reference = object(value, field);
  const sha256 = string(reference.sha256, `${field}.sha256`, 64);
  if (!/^[0-9a-f]{64}$/.test(sha256)) invalid(`${field}.sha256`, 'must be 64 lower-case hex digits');
  const path = string(reference.path, `${field}.path`, 200);
  // Content addressing: the path is derived from the hash, never a free-form URL or `../`.
  if (path !== `blobs/${sha256}.${kind}`) invalid(`${field}.path`, `must be "blobs/${sha256}.${kind}", got "${path}"`);
  const bytes = count(reference.bytes, `${field}.bytes`, 1, MAX_SYNC_BLOB_BYTES);
  const decodedBytes = count(reference.decodedBytes, `${field}.decodedBytes`, 1, MAX_SYNC_BLOB_BYTES);
  if (reference.encoding === 'identity') {
    if (decodedBytes !== bytes) invalid(`${field}.decodedBytes`, `an identity blob decodes to its own ${bytes} bytes, got ${decodedBytes}`);
  } else if (reference.encoding === 'gzip') {
    if (decodedBytes > bytes * MAX_GZIP_RATIO) invalid(`${field}.decodedBytes`, `${decodedBytes} bytes cannot come from ${bytes} gzip bytes`);
  } else {
    invalid(`${field}.encoding`, `must be "gzip" or "identity", got ${describe(reference.encoding)}`);
  }
  return reference as unknown as BlobReference;
}

function object(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return invalid(field, `must be an object, got ${describe(value)}`);
  return value as Record<string, unknown>;
}

function string(value: unknown, field: string, maxLength: number): string {
  if (typeof value !== 'string' || value.length === 0) return invalid(field, `must be a non-empty string, got ${describe(value)}`);
  if (value.length > maxLength) invalid(field, `longer than ${maxLength} characters`);
  return value;
}

function count(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    return invalid(field, `must be an integer in ${min}..${max}, got ${describe(value)}`);
  }
  return value;
}

function isBase64(text: string): boolean {
  return text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return `"${value.length > 40 ? value.slice(0, 40) + '…' : value}"`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return Array.isArray(value) ? 'an array' : typeof value;
}

function invalid(field: string, reason: string): never {
  throw new OndeckError('sync-manifest-invalid', { field, reason });
}
