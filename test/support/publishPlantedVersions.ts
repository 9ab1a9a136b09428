import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildOndeckModel } from '../../models/node/artifact/buildOndeckModel';
import { writeModelDirectory } from '../../models/node/artifact/modelDirectory';
import type { OndeckModel } from '../../models/artifact/OndeckModel';
import { dequantizeRows } from '../../models/quantize';
import { generateSigningKeyPair, publicKeyOf, signManifest, verifySignedManifest } from '../../models/node/sync/manifestSigning';
import type { SignedManifest, SyncManifest } from '../../models/sync/SyncManifest';
import { plantedModel } from './plantedModel';

/** Two published versions of the planted model, and manifest.json variants to serve instead. */
export interface PlantedPublication {
  /** Publish directory (`manifest.json` = v2, blobs of v1 and v2, the v1→v2 delta). */
  readonly directory: string;
  /** The signing key `ondeck keygen` made (PEM) and its public half as devices are configured. */
  readonly key: { readonly privateKeyPem: string; readonly publicKeyBase64: string; readonly keyId: string };
  /** A second key, for threshold tests: it signs only `manifests.v2TwoKeys`. */
  readonly secondKey: { readonly privateKeyPem: string; readonly publicKeyBase64: string; readonly keyId: string };
  readonly v1: SyncManifest;
  /** v2, whose `deltas` hold exactly the v1 → v2 delta. */
  readonly v2: SyncManifest;
  /** The rollback: version 3, v1's model, with a v2 → v3 delta (its blobs are in `directory` too). */
  readonly v3: SyncManifest;
  /** manifest.json texts: each a complete signed envelope (or a broken one on purpose). */
  readonly manifests: {
    readonly v1: string;
    readonly v2: string;
    /** v2 without its delta (a device must take the snapshot). */
    readonly v2SnapshotOnly: string;
    /** v3, published by `ondeck publish --rollback 1`: v1's model as a new version (delta from v2). */
    readonly v3RollbackToV1: string;
    /** v2 signed (by the trusted key) with an expiry in the past: a frozen or replayed manifest. */
    readonly v2Expired: string;
    /** v2 with one payload character changed after signing. */
    readonly v2Tampered: string;
    /** v2 signed by another key (its own keyId). */
    readonly v2OtherKey: string;
    /** v2 signed by another key but claiming the trusted key's id. */
    readonly v2ForgedKeyId: string;
    /** v2 signed by both `key` and `secondKey` (for devices with a threshold of 2). */
    readonly v2TwoKeys: string;
    /** v2 as another publish directory signed with the same key would serve it (another `directoryId`). */
    readonly v2OtherDirectory: string;
  };
  /** Planted block (0..3) of an item id. */
  readonly blockOf: (itemId: string) => number;
  cleanup(): Promise<void>;
}

/**
 * Publishes the planted test model (test/support/plantedModel.ts) as v1, then a v2 in which 2.5 %
 * of the rows (3 of 120) moved within their taste block, with the built CLI as an operator would
 * (`ondeck keygen`, then `ondeck publish` twice) into a temp directory; and signs the manifest
 * variants the fault tests serve in place of the real one. Needs dist/ (the test global setup
 * builds it).
 *
 * @example
 * ```ts
 * const publication = await publishPlantedVersions();
 * server = await startFaultyServer({ '/sync/': publication.directory });
 * ```
 */
export async function publishPlantedVersions(): Promise<PlantedPublication> {
  const root = await mkdtemp(join(tmpdir(), 'ondeck-sync-fixture-'));
  const directory = join(root, 'publish');
  const planted = await plantedModel();
  const v1Model = planted.model;
  const v2Model = moveRows(v1Model, planted.blockOf);
  await writeModelDirectory(v1Model, join(root, 'v1'));
  await writeModelDirectory(v2Model, join(root, 'v2'));
  await ondeck(['keygen', '--out', join(root, 'keys')]);
  const privateKeyPem = await readFile(join(root, 'keys', 'ondeck-signing-key.pem'), 'utf8');
  const key = { privateKeyPem, ...publicKeyOf(privateKeyPem) };
  if ((await readFile(join(root, 'keys', 'ondeck-public-key.txt'), 'utf8')).trim() !== key.publicKeyBase64) throw new Error('fixture: keygen printed another public key');
  const publish = async (model: string): Promise<{ text: string; manifest: SyncManifest }> => {
    await ondeck(['publish', '--model', join(root, model), '--out', directory, '--key', join(root, 'keys', 'ondeck-signing-key.pem'), '--quiet']);
    const text = await readFile(join(directory, 'manifest.json'), 'utf8');
    return { text, manifest: verifySignedManifest(text, key.publicKeyBase64) };
  };
  const v1 = await publish('v1');
  const v2 = await publish('v2');
  if (v2.manifest.deltas.length !== 1) throw new Error('fixture: ondeck publish shipped no delta for v2');
  // The rollback is published into a copy, so the directory's own manifest.json stays v2; its
  // blobs (content-addressed, so harmless extras) are copied back for the device to download.
  const rollbackDirectory = join(root, 'rollback');
  await cp(directory, rollbackDirectory, { recursive: true });
  await ondeck(['publish', '--rollback', '1', '--out', rollbackDirectory, '--key', join(root, 'keys', 'ondeck-signing-key.pem'), '--quiet']);
  const v3Text = await readFile(join(rollbackDirectory, 'manifest.json'), 'utf8');
  const v3 = verifySignedManifest(v3Text, key.publicKeyBase64);
  await cp(join(rollbackDirectory, 'blobs'), join(directory, 'blobs'), { recursive: true, force: false });
  const other = generateSigningKeyPair();
  const secondKey = generateSigningKeyPair();
  const envelope = (manifest: SyncManifest, pem: string | string[] = privateKeyPem): SignedManifest => signManifest(manifest, pem);
  const text = (value: SignedManifest): string => JSON.stringify(value, null, 2) + '\n';
  const signed = envelope(v2.manifest);
  // Change one base64 character in the middle of the payload: still valid base64, no longer what was signed.
  const middle = signed.payload.length >> 1;
  const tampered = { ...signed, payload: signed.payload.slice(0, middle) + (signed.payload[middle] === 'A' ? 'B' : 'A') + signed.payload.slice(middle + 1) };
  return {
    directory,
    key,
    secondKey,
    v1: v1.manifest,
    v2: v2.manifest,
    v3,
    manifests: {
      v1: v1.text,
      v2: v2.text,
      v2SnapshotOnly: text(envelope({ ...v2.manifest, deltas: [] })),
      v3RollbackToV1: v3Text,
      v2Expired: text(envelope({ ...v2.manifest, publishedAt: '2026-01-01T00:00:00.000Z', expires: '2026-01-06T00:00:00.000Z' })),
      v2Tampered: text(tampered),
      v2OtherKey: text(envelope(v2.manifest, other.privateKeyPem)),
      v2ForgedKeyId: text(forgeKeyId(envelope(v2.manifest, other.privateKeyPem), key.keyId)),
      v2TwoKeys: text(envelope(v2.manifest, [privateKeyPem, secondKey.privateKeyPem])),
      v2OtherDirectory: text(envelope({ ...v2.manifest, directoryId: 'another-publish-directory' })),
    },
    blockOf: planted.blockOf,
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/** `envelope` with every key id (and the single-key one) replaced by `keyId`: another key's signature under ours. */
function forgeKeyId(envelope: SignedManifest, keyId: string): SignedManifest {
  return { ...envelope, keyId, signatures: envelope.signatures.map((entry) => ({ ...entry, keyId })) };
}

/** Runs the built CLI (`node dist/cli.js …`). */
function ondeck(args: string[]): Promise<void> {
  const cli = join(import.meta.dirname, '../../dist/cli.js');
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [cli, ...args], (error, _stdout, stderr) => (error ? reject(new Error(`ondeck ${args[0]} failed: ${stderr || error.message}`)) : resolve()));
  });
}

/**
 * The next version of the planted model (same lineage, version + 1): `movedRows` (by default 5,
 * 45 and 85, the v2 this publication ships) pulled 40 % towards another title of their block.
 *
 * @example
 * ```ts
 * const v3 = canonicalizeModel(v2, moveRows(v2, planted.blockOf, [10, 50, 90]));
 * ```
 */
export function moveRows(model: OndeckModel, blockOf: (itemId: string) => number, movedRows: readonly number[] = [5, 45, 85]): OndeckModel {
  const { dims, rows } = model.factors;
  const factors = dequantizeRows(model.factors);
  const ids = model.catalog.ids;
  for (const row of movedRows) {
    const partner = ids.findIndex((id, index) => index !== row && blockOf(id) === blockOf(ids[row]) && index > row);
    for (let d = 0; d < dims; d++) factors[row * dims + d] = 0.6 * factors[row * dims + d] + 0.4 * factors[partner * dims + d];
  }
  if (rows !== ids.length) throw new Error('fixture: catalog and factors disagree');
  return buildOndeckModel({
    itemFactors: factors,
    dims,
    catalog: model.catalog,
    foldIn: model.manifest.foldIn,
    training: model.manifest.training,
    modelVersion: model.manifest.modelVersion + 1,
    lineageId: model.manifest.lineageId,
  });
}
