import { OndeckError } from '../errors/OndeckError';
import { decodeBase64 } from './decodeBase64';
import { keyIdOf } from './keyIdOf';
import { MAX_MODEL_VERSION } from './SyncManifest';
import { MAX_ROOT_KEYS, ROOT_FORMAT_NAME, ROOT_FORMAT_VERSION, type KeyRole, type SyncRoot } from './SyncRoot';

/**
 * Parses and checks a root document's payload (already verified, or about to be): format, a
 * version in 1..2^31−1, a directory id, 1 to {@link MAX_ROOT_KEYS} keys each a base64 32-byte key
 * filed under its own key id, and two roles whose key ids are listed keys and whose thresholds are
 * between 1 and their key count.
 *
 * @throws OndeckError `sync-manifest-invalid` with `details.field` naming the root's field.
 * @example
 * ```ts
 * const root = parseSyncRoot(new TextDecoder().decode(payloadBytes));
 * ```
 */
export function parseSyncRoot(payloadText: string): SyncRoot {
  let value: unknown;
  try {
    value = JSON.parse(payloadText);
  } catch {
    return invalid('payload', 'not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return invalid('payload', 'must be an object');
  const root = value as Record<string, unknown>;
  if (root.format !== ROOT_FORMAT_NAME) invalid('format', `expected "${ROOT_FORMAT_NAME}"`);
  if (root.formatVersion !== ROOT_FORMAT_VERSION) invalid('formatVersion', `this build reads version ${ROOT_FORMAT_VERSION}`);
  if (!Number.isInteger(root.version) || (root.version as number) < 1 || (root.version as number) > MAX_MODEL_VERSION) invalid('version', `an integer in 1..${MAX_MODEL_VERSION}`);
  if (typeof root.directoryId !== 'string' || root.directoryId === '' || root.directoryId.length > 200) invalid('directoryId', 'a non-empty string of at most 200 characters');
  const keys = root.keys;
  if (typeof keys !== 'object' || keys === null || Array.isArray(keys)) return invalid('keys', 'must be an object');
  const entries = Object.entries(keys as Record<string, unknown>);
  if (entries.length < 1 || entries.length > MAX_ROOT_KEYS) invalid('keys', `1 to ${MAX_ROOT_KEYS} keys`);
  for (const [keyId, key] of entries) {
    if (typeof key !== 'string') invalid(`keys.${keyId}`, 'must be a base64 string');
    let raw: Uint8Array;
    try {
      raw = decodeBase64(key as string, `keys.${keyId}`);
    } catch {
      return invalid(`keys.${keyId}`, 'not base64');
    }
    if (raw.length !== 32) invalid(`keys.${keyId}`, `an Ed25519 public key is 32 bytes, this is ${raw.length}`);
    if (keyIdOf(raw) !== keyId) invalid(`keys.${keyId}`, `filed under another key id (its own is ${keyIdOf(raw)})`);
  }
  role(root.root, 'root', keys as Record<string, unknown>);
  role(root.manifest, 'manifest', keys as Record<string, unknown>);
  return root as unknown as SyncRoot;
}

function role(value: unknown, field: string, keys: Record<string, unknown>): KeyRole {
  if (typeof value !== 'object' || value === null) return invalid(field, 'must be an object');
  const { keyIds, threshold } = value as Record<string, unknown>;
  if (!Array.isArray(keyIds) || keyIds.length < 1 || keyIds.length > MAX_ROOT_KEYS) return invalid(`${field}.keyIds`, `1 to ${MAX_ROOT_KEYS} key ids`);
  for (const keyId of keyIds)
    if (typeof keyId !== 'string' || !Object.prototype.hasOwnProperty.call(keys, keyId)) invalid(`${field}.keyIds`, `${String(keyId)} is not one of the listed keys`);
  if (new Set(keyIds).size !== keyIds.length) invalid(`${field}.keyIds`, 'a key is listed twice');
  if (!Number.isInteger(threshold) || (threshold as number) < 1 || (threshold as number) > keyIds.length) invalid(`${field}.threshold`, `an integer from 1 to ${keyIds.length}`);
  return value as KeyRole;
}

function invalid(field: string, reason: string): never {
  throw new OndeckError('sync-manifest-invalid', { field: `root.${field}`, reason });
}
