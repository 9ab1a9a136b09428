import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OndeckError } from '../../errors/OndeckError';
import { checkRootSuccession, roleKeys } from '../../sync/checkRootSuccession';
import { keyIdOf } from '../../sync/keyIdOf';
import { parseSignedManifest } from '../../sync/parseSyncManifest';
import { parseSyncRoot } from '../../sync/parseSyncRoot';
import { ROOT_DIRECTORY, ROOT_FORMAT_NAME, ROOT_FORMAT_VERSION, type SyncRoot } from '../../sync/SyncRoot';
import { signDocument, verifiedPayload } from './manifestSigning';
import { pathExists } from './pathExists';
import { PUBLICATION_PATHS, writeFileAtomically } from './publicationFiles';
import { withPublicationLock } from './withPublicationLock';

/** Options of {@link publishRoot}. */
export interface PublishRootOptions {
  readonly outDirectory: string;
  /**
   * PEMs that sign the new root: for a first root, enough of its own root keys; for a rotation,
   * enough of the current root's root keys AND of the new root's (a device checks both).
   */
  readonly signingKeyPems: readonly string[];
  /** Base64 public keys of the new root role (offline keys), and how many must sign the next root. */
  readonly rootKeys: readonly string[];
  readonly rootThreshold: number;
  /** Base64 public keys that sign manifests from now on, and how many must sign each. */
  readonly manifestKeys: readonly string[];
  readonly manifestThreshold: number;
}

/** Every root document of a publish directory, oldest first, each verified by the one before (empty without roots). */
export async function readRootChain(outDirectory: string): Promise<SyncRoot[]> {
  const chain: SyncRoot[] = [];
  for (const version of await listRootVersions(outDirectory)) {
    const text = await readFile(join(outDirectory, ROOT_DIRECTORY, `${version}.json`), 'utf8');
    chain.push(verifyRootText(text, chain[chain.length - 1]));
  }
  return chain;
}

/** The newest root document of a publish directory, verified link by link from root 1, or `undefined`. */
export async function readNewestRoot(outDirectory: string): Promise<SyncRoot | undefined> {
  return (await readRootChain(outDirectory)).pop();
}

/**
 * The keys whose signature shows that the directory's current manifest is the directory's own:
 * the keys given to this run, and every manifest key any of its roots named (after a rotation the
 * current manifest is still signed by the keys of the root before).
 */
export async function keysOfDirectory(outDirectory: string, givenKeys: readonly string[]): Promise<string[]> {
  const named = (await readRootChain(outDirectory)).flatMap((root) => roleKeys(root, 'manifest').publicKeys);
  return [...new Set([...givenKeys, ...named])];
}

/**
 * `ondeck root`: writes the publish directory's next root document (`roots/<n>.json`, never
 * rewritten) naming the keys that sign manifests and the keys that sign the next root, each with
 * a threshold. The first root takes the directory's `directoryId` (from its manifest, or a new
 * one that later publishes keep). A rotation must be signed by the current root's root role and
 * by the new one's: that is what a device checks before it trusts the new keys. Runs under the
 * directory's lock.
 *
 * @throws OndeckError `invalid-argument` (bad keys or thresholds, signatures that would not
 *   satisfy a device), `publication-locked`.
 * @example
 * ```ts
 * await publishRoot({ outDirectory: 'cdn', signingKeyPems: [offlineA, offlineB], rootKeys: [a, b, c], rootThreshold: 2, manifestKeys: [online], manifestThreshold: 1 });
 * ```
 */
export async function publishRoot(options: PublishRootOptions): Promise<SyncRoot> {
  return withPublicationLock(options.outDirectory, 'root', async () => {
    const current = await readNewestRoot(options.outDirectory);
    const keys: Record<string, string> = {};
    const ids = (list: readonly string[]): string[] =>
      list.map((key) => {
        const raw = Buffer.from(key, 'base64');
        if (raw.length !== 32 || raw.toString('base64') !== key)
          throw new OndeckError('invalid-argument', { name: 'key', reason: `not the base64 of a 32-byte Ed25519 public key: ${key}` });
        const keyId = keyIdOf(raw);
        keys[keyId] = key;
        return keyId;
      });
    const draft = {
      format: ROOT_FORMAT_NAME,
      formatVersion: ROOT_FORMAT_VERSION,
      version: (current?.version ?? 0) + 1,
      directoryId: current?.directoryId ?? (await publishedDirectoryId(options.outDirectory)) ?? randomUUID(),
      keys,
      root: { keyIds: ids(options.rootKeys), threshold: options.rootThreshold },
      manifest: { keyIds: ids(options.manifestKeys), threshold: options.manifestThreshold },
    };
    // The same checks a device makes, so a root that no device would accept is never written.
    const next = parseSyncRoot(JSON.stringify(draft));
    const text = JSON.stringify(signDocument(next, options.signingKeyPems), null, 2) + '\n';
    try {
      verifyRootText(text, current);
    } catch (error) {
      throw new OndeckError('invalid-argument', {
        name: 'signing keys',
        reason: `devices would refuse this root: ${error instanceof Error ? error.message : String(error)}${current ? ' (a rotation needs the threshold of the current root keys and of the new ones)' : ''}`,
      });
    }
    const path = join(options.outDirectory, ROOT_DIRECTORY, `${next.version}.json`);
    if (await pathExists(path)) throw new OndeckError('invalid-argument', { name: 'root', reason: `${path} exists already` });
    await writeFileAtomically(path, text);
    return next;
  });
}

/** A root document's text, verified: by `previous`'s root role and its own (rotation), or by its own (first). */
export function verifyRootText(text: string, previous: SyncRoot | undefined): SyncRoot {
  const unverified = parseSyncRoot(Buffer.from(parseSignedManifest(text).payload, 'base64').toString('utf8'));
  const requirements = [...(previous ? [roleKeys(previous, 'root')] : []), roleKeys(unverified, 'root')].map(({ publicKeys, threshold }) => ({
    publicKeysBase64: publicKeys,
    threshold,
  }));
  const root = parseSyncRoot(verifiedPayload(text, requirements));
  if (previous) checkRootSuccession(previous, root);
  else if (root.version !== 1) throw new OndeckError('sync-refused', { reason: `the first root must be version 1, got ${root.version}` });
  return root;
}

async function listRootVersions(outDirectory: string): Promise<number[]> {
  let names: string[];
  try {
    names = await readdir(join(outDirectory, ROOT_DIRECTORY));
  } catch {
    return [];
  }
  const versions = names
    .map((name) => /^(\d+)\.json$/.exec(name)?.[1])
    .filter((digits): digits is string => digits !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  versions.forEach((version, index) => {
    if (version !== index + 1) throw new OndeckError('sync-refused', { reason: `${ROOT_DIRECTORY}/ has version ${version} where ${index + 1} was expected` });
  });
  return versions;
}

/** The `directoryId` of the directory's current manifest, read without a key (it only names the directory). */
async function publishedDirectoryId(outDirectory: string): Promise<string | undefined> {
  const text = await readFile(join(outDirectory, PUBLICATION_PATHS.manifest), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const payload = JSON.parse(Buffer.from(parseSignedManifest(text).payload, 'base64').toString('utf8')) as { directoryId?: unknown };
  return typeof payload.directoryId === 'string' ? payload.directoryId : undefined;
}
