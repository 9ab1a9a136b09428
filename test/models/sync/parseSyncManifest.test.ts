import { describe, expect, it } from 'vitest';
import { isOndeckError } from '../../../models/errors/OndeckError';
import { generateSigningKeyPair, signManifest, verifySignedManifest } from '../../../models/node/sync/manifestSigning';
import { parseSignedManifest, parseSyncManifest } from '../../../models/sync/parseSyncManifest';
import type { SyncManifest } from '../../../models/sync/SyncManifest';
import { openSignedManifest } from '../../../worker/sync/openSignedManifest';

const hash = (digit: string): string => digit.repeat(64);
const valid: SyncManifest = {
  format: 'ondeck-sync',
  formatVersion: 1,
  lineageId: 'lineage-1',
  version: 3,
  parentVersion: 2,
  minSdkVersion: '0.1.0',
  publishedAt: '2026-11-24T06:00:00.000Z',
  dims: 64,
  itemCount: 100000,
  snapshot: { path: `blobs/${hash('a')}.snapshot`, sha256: hash('a'), bytes: 9000000, encoding: 'gzip', decodedBytes: 13000000 },
  deltas: [
    { path: `blobs/${hash('b')}.delta`, sha256: hash('b'), bytes: 300000, encoding: 'gzip', decodedBytes: 400000, fromVersion: 1, toVersion: 2 },
    { path: `blobs/${hash('c')}.delta`, sha256: hash('c'), bytes: 300000, encoding: 'gzip', decodedBytes: 400000, fromVersion: 2, toVersion: 3 },
  ],
};

/** A copy of the valid manifest with one change made by `edit` (on a deep copy). */
function variant(edit: (manifest: Record<string, any>) => void): string {
  const copy = JSON.parse(JSON.stringify(valid)) as Record<string, any>;
  edit(copy);
  return JSON.stringify(copy);
}

function rejection(text: string, context?: { lineageId: string; dims: number }): { code: string; field: unknown } {
  try {
    parseSyncManifest(text, context);
  } catch (error) {
    if (isOndeckError(error)) return { code: error.code, field: error.details.field };
    throw error;
  }
  throw new Error('accepted');
}

describe('parseSyncManifest', () => {
  it('accepts a well-formed manifest and returns it unchanged', () => {
    expect(parseSyncManifest(JSON.stringify(valid))).toEqual(valid);
    const rollback = variant((m) => Object.assign(m, { rollback: true, rollbackFrom: 5 }));
    expect(parseSyncManifest(rollback)).toMatchObject({ rollback: true, rollbackFrom: 5 });
    // Unknown extra fields are a newer publisher's optional additions.
    expect(parseSyncManifest(variant((m) => (m.futureField = { x: 1 })))).toMatchObject({ version: 3 });
  });

  const cases: Array<[string, string, string]> = [
    ['not JSON', '{"format":', 'payload'],
    ['an array', '[]', 'payload'],
    ['another format', variant((m) => (m.format = 'ondeck-model')), 'format'],
    ['an unknown format version', variant((m) => (m.formatVersion = 2)), 'formatVersion'],
    ['a missing lineage', variant((m) => delete m.lineageId), 'lineageId'],
    ['a numeric lineage', variant((m) => (m.lineageId = 7)), 'lineageId'],
    ['a string version', variant((m) => (m.version = '3')), 'version'],
    ['a fractional version', variant((m) => (m.version = 2.5)), 'version'],
    ['a zero version', variant((m) => (m.version = 0)), 'version'],
    ['a parent newer than the version', variant((m) => (m.parentVersion = 3)), 'parentVersion'],
    ['a bad SDK version', variant((m) => (m.minSdkVersion = 'latest')), 'minSdkVersion'],
    ['a bad date', variant((m) => (m.publishedAt = 'yesterday')), 'publishedAt'],
    ['a missing dims', variant((m) => delete m.dims), 'dims'],
    ['negative dims', variant((m) => (m.dims = -64)), 'dims'],
    ['absurd dims', variant((m) => (m.dims = 1e6)), 'dims'],
    ['an infinite item count (1e999 parses as Infinity)', JSON.stringify(valid).replace('"itemCount":100000', '"itemCount":1e999'), 'itemCount'],
    ['a missing snapshot', variant((m) => delete m.snapshot), 'snapshot'],
    ['a snapshot path outside blobs/', variant((m) => (m.snapshot.path = `../${hash('a')}.snapshot`)), 'snapshot.path'],
    ['a snapshot path that is not its hash', variant((m) => (m.snapshot.sha256 = hash('d'))), 'snapshot.path'],
    ['an upper-case hash', variant((m) => (m.snapshot.sha256 = hash('A'))), 'snapshot.sha256'],
    ['a negative size', variant((m) => (m.snapshot.bytes = -1)), 'snapshot.bytes'],
    ['a NaN-like size (null)', variant((m) => (m.snapshot.bytes = null)), 'snapshot.bytes'],
    ['an absurd size', variant((m) => (m.snapshot.bytes = 2 ** 40)), 'snapshot.bytes'],
    ['an impossible gzip ratio', variant((m) => (m.snapshot.decodedBytes = 2 ** 31 - 1) && (m.snapshot.bytes = 1000)), 'snapshot.decodedBytes'],
    ['an unknown encoding', variant((m) => (m.snapshot.encoding = 'zstd')), 'snapshot.encoding'],
    ['deltas not an array', variant((m) => (m.deltas = {})), 'deltas'],
    ['a delta with the snapshot kind', variant((m) => (m.deltas[0].path = `blobs/${hash('b')}.snapshot`)), 'deltas[0].path'],
    ['a backwards delta', variant((m) => Object.assign(m.deltas[0], { fromVersion: 2, toVersion: 1 })), 'deltas[0].toVersion'],
    ['a broken chain', variant((m) => (m.deltas[1].fromVersion = 1)), 'deltas[1].fromVersion'],
    ['a chain not ending at the version', variant((m) => (m.version = 4)), 'deltas[1].toVersion'],
    ['a non-boolean rollback', variant((m) => (m.rollback = 'yes')), 'rollback'],
    ['a rollback without rollbackFrom', variant((m) => (m.rollback = true)), 'rollbackFrom'],
    ['a rollback from an older version', variant((m) => Object.assign(m, { rollback: true, rollbackFrom: 2 })), 'rollbackFrom'],
    ['rollbackFrom without rollback', variant((m) => (m.rollbackFrom = 5)), 'rollbackFrom'],
  ];
  it.each(cases)('rejects %s with sync-manifest-invalid naming the field', (_name, text, field) => {
    expect(rejection(text)).toEqual({ code: 'sync-manifest-invalid', field });
  });

  it('rejects a manifest of the serving lineage with other dims', () => {
    expect(rejection(JSON.stringify(valid), { lineageId: 'lineage-1', dims: 32 })).toEqual({ code: 'sync-manifest-invalid', field: 'dims' });
    // Another lineage may change dims: the device then downloads the snapshot.
    expect(parseSyncManifest(JSON.stringify(valid), { lineageId: 'lineage-0', dims: 32 }).dims).toBe(64);
  });
});

describe('manifest signing', () => {
  const keys = generateSigningKeyPair();

  it('signs the exact payload bytes and verifies them with the base64 public key', () => {
    expect(Buffer.from(keys.publicKeyBase64, 'base64')).toHaveLength(32);
    expect(keys.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const envelope = signManifest(valid, keys.privateKeyPem);
    expect(envelope.signatures.map((entry) => entry.keyId)).toEqual([keys.keyId]);
    // The single-key fields repeat the signature for SDKs before several keys.
    expect(envelope).toMatchObject({ keyId: keys.keyId, signature: envelope.signatures[0]!.signature });
    expect(Buffer.from(envelope.payload, 'base64').toString('utf8')).toBe(JSON.stringify(valid));
    const text = JSON.stringify(envelope);
    expect(parseSignedManifest(text)).toEqual({ payload: envelope.payload, signatures: envelope.signatures });
    // A single-key envelope (no `signatures`) reads as one signature.
    expect(parseSignedManifest(JSON.stringify({ payload: envelope.payload, signature: envelope.signature, keyId: envelope.keyId }))).toEqual({
      payload: envelope.payload,
      signatures: envelope.signatures,
    });
    expect(verifySignedManifest(text, keys.publicKeyBase64)).toEqual(valid);
  });

  it('rejects a changed payload, a foreign key and a malformed envelope', () => {
    const envelope = signManifest(valid, keys.privateKeyPem);
    const tampered = { ...envelope, payload: Buffer.from(JSON.stringify({ ...valid, version: 4 })).toString('base64') };
    expect(() => verifySignedManifest(JSON.stringify(tampered), keys.publicKeyBase64)).toThrow(expect.objectContaining({ code: 'signature-invalid' }));
    const other = generateSigningKeyPair();
    expect(() => verifySignedManifest(JSON.stringify(envelope), other.publicKeyBase64)).toThrow(expect.objectContaining({ code: 'signature-invalid' }));
    // The same signature under a forged key id still fails: the id only selects, the key decides.
    const relabelled = { payload: envelope.payload, signatures: [{ ...envelope.signatures[0]!, keyId: other.keyId }] };
    expect(() => verifySignedManifest(JSON.stringify(relabelled), other.publicKeyBase64)).toThrow(expect.objectContaining({ code: 'signature-invalid' }));
    const first = envelope.signatures[0]!;
    for (const broken of [
      { payload: envelope.payload, signature: 'abc', keyId: first.keyId },
      { payload: envelope.payload, signature: first.signature, keyId: 'XYZ' },
      { payload: envelope.payload },
      { payload: envelope.payload, signatures: [] },
      { payload: envelope.payload, signatures: [first, first] },
      { payload: envelope.payload, signatures: Array.from({ length: 17 }, () => first) },
      'nope',
    ]) {
      expect(() => parseSignedManifest(typeof broken === 'string' ? broken : JSON.stringify(broken))).toThrow(expect.objectContaining({ code: 'sync-manifest-invalid' }));
    }
  });

  it('words a refusal the same on the device and in the cloud: a foreign key names both key ids, a bad signature says so', async () => {
    const envelope = signManifest(valid, keys.privateKeyPem);
    const other = generateSigningKeyPair();
    const deviceMessage = async (text: string, publicKeyBase64: string): Promise<string> =>
      openSignedManifest(new TextEncoder().encode(text), [new Uint8Array(Buffer.from(publicKeyBase64, 'base64'))], 1).then(
        () => 'accepted',
        (error: Error) => error.message,
      );
    const cloudMessage = (text: string, publicKeyBase64: string): string => {
      try {
        verifySignedManifest(text, publicKeyBase64);
        return 'accepted';
      } catch (error) {
        return (error as Error).message;
      }
    };
    const foreign = cloudMessage(JSON.stringify(envelope), other.publicKeyBase64);
    expect(foreign).toContain(`signed by key ${keys.keyId}; the trusted key is ${other.keyId}`);
    expect(await deviceMessage(JSON.stringify(envelope), other.publicKeyBase64)).toBe(foreign);
    const tampered = JSON.stringify({ ...envelope, payload: Buffer.from(JSON.stringify({ ...valid, version: 4 })).toString('base64') });
    expect(cloudMessage(tampered, keys.publicKeyBase64)).toContain('the Ed25519 signature does not match the payload');
    expect(await deviceMessage(tampered, keys.publicKeyBase64)).toBe(cloudMessage(tampered, keys.publicKeyBase64));
  });

  it('counts signatures of distinct trusted keys against a threshold, the same on the device and in the cloud', async () => {
    const [a, b, c] = [keys, generateSigningKeyPair(), generateSigningKeyPair()];
    const trusted = [a.publicKeyBase64, b.publicKeyBase64, c.publicKeyBase64];
    const raw = trusted.map((key) => new Uint8Array(Buffer.from(key, 'base64')));
    const device = (envelope: unknown, threshold: number): Promise<string> =>
      openSignedManifest(new TextEncoder().encode(JSON.stringify(envelope)), raw, threshold).then(
        () => 'accepted',
        (error: { code: string; message: string }) => `${error.code}: ${error.message}`,
      );
    const cloud = (envelope: unknown, threshold: number): string => {
      try {
        verifySignedManifest(JSON.stringify(envelope), trusted, threshold);
        return 'accepted';
      } catch (error) {
        return `${(error as { code: string }).code}: ${(error as Error).message}`;
      }
    };
    const two = signManifest(valid, [a.privateKeyPem, c.privateKeyPem]);
    const outsider = signManifest(valid, generateSigningKeyPair().privateKeyPem);
    const forgedSecond = { ...two, signatures: [two.signatures[0]!, { ...two.signatures[1]!, signature: outsider.signatures[0]!.signature }] };
    for (const [envelope, threshold, expected] of [
      [two, 2, /^accepted$/],
      [two, 3, /^signature-invalid: .*signed by 2 trusted key\(s\), 3 are required/],
      [signManifest(valid, a.privateKeyPem), 2, /^signature-invalid: .*signed by 1 trusted key\(s\), 2 are required/],
      [outsider, 1, /^signature-invalid: .*signed by key [0-9a-f]{16}; the trusted keys are /],
      [forgedSecond, 2, /^signature-invalid: .*1 of the 2 required Ed25519 signatures match the payload/],
      [forgedSecond, 1, /^accepted$/],
    ] as const) {
      const answer = cloud(envelope, threshold);
      expect(answer).toMatch(expected);
      expect(await device(envelope, threshold)).toBe(answer);
    }
    expect(() => signManifest(valid, [a.privateKeyPem, a.privateKeyPem])).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
  });
});
