import { describe, expect, it } from 'vitest';
import { isOndeckError } from '../../../models/errors/OndeckError';
import type { DeltaReference, SyncManifest } from '../../../models/sync/SyncManifest';
import { planSync, type ServingVersion } from '../../../worker/sync/planSync';

const hash = (n: number): string => n.toString(16).padStart(64, '0');
const delta = (fromVersion: number, toVersion: number, bytes: number): DeltaReference => ({
  path: `blobs/${hash(toVersion)}.delta`,
  sha256: hash(toVersion),
  bytes,
  encoding: 'gzip',
  decodedBytes: bytes * 2,
  fromVersion,
  toVersion,
});
const manifest = (overrides: Partial<SyncManifest> = {}): SyncManifest => ({
  format: 'ondeck-sync',
  formatVersion: 1,
  lineageId: 'L',
  version: 5,
  minSdkVersion: '0.1.0',
  publishedAt: '2026-11-24T00:00:00Z',
  dims: 8,
  itemCount: 100,
  snapshot: { path: `blobs/${hash(99)}.snapshot`, sha256: hash(99), bytes: 1000, encoding: 'gzip', decodedBytes: 3000 },
  deltas: [delta(2, 3, 100), delta(3, 4, 100), delta(4, 5, 100)],
  ...overrides,
});
const serving = (version: number, overrides: Partial<ServingVersion> = {}): ServingVersion => ({ lineageId: 'L', version, dims: 8, itemCount: 100, ...overrides });
const refusal = (run: () => unknown): string => {
  try {
    run();
    return 'accepted';
  } catch (error) {
    return isOndeckError(error) ? `${error.code}: ${error.message}` : String(error);
  }
};

describe('planSync', () => {
  it('takes the delta chain from the serving version when it is cheaper than the snapshot', () => {
    const plan = planSync(serving(3), manifest());
    expect(plan).toMatchObject({ kind: 'delta', bytes: 200 });
    expect(plan.kind === 'delta' && plan.chain.map((d) => `${d.fromVersion}→${d.toVersion}`)).toEqual(['3→4', '4→5']);
  });

  it('takes the snapshot when the chain costs as much, a link is missing, or nothing is served', () => {
    expect(planSync(serving(2), manifest({ deltas: [delta(2, 3, 400), delta(3, 4, 300), delta(4, 5, 300)] }))).toMatchObject({
      kind: 'snapshot',
      reason: expect.stringMatching(/not smaller/),
    });
    expect(planSync(serving(1), manifest())).toMatchObject({ kind: 'snapshot', reason: expect.stringMatching(/no delta chain from version 1/) });
    expect(planSync(serving(3), manifest({ deltas: [delta(2, 3, 100), delta(4, 5, 100)] }))).toMatchObject({ kind: 'snapshot' });
    expect(planSync(undefined, manifest())).toMatchObject({ kind: 'snapshot', reason: 'no model on the device' });
  });

  it('takes the snapshot when the lineage or the dims do not fit a delta', () => {
    expect(planSync(serving(4, { lineageId: 'other' }), manifest())).toMatchObject({ kind: 'snapshot', reason: 'new lineage' });
    expect(planSync(serving(4, { dims: 16 }), manifest())).toMatchObject({ kind: 'snapshot', reason: expect.stringMatching(/dims/) });
  });

  it('is current when it serves that very version', () => {
    expect(planSync(serving(5), manifest())).toEqual({ kind: 'current' });
  });

  it('refuses a version not newer than the serving one, of any lineage, even one marked as a (legacy) rollback', () => {
    expect(refusal(() => planSync(serving(6), manifest()))).toMatch(/^sync-refused: .*not newer than the serving 6/);
    expect(refusal(() => planSync(serving(5, { lineageId: 'other' }), manifest()))).toMatch(/^sync-refused: .*of another lineage/);
    // Before rollbacks were new versions, a signed `rollback` flag let a device go down: no more.
    expect(refusal(() => planSync(serving(7), manifest({ rollback: true, rollbackFrom: 7 })))).toMatch(/^sync-refused: .*a rollback is published as a new version/);
  });

  it('refuses a manifest that needs a newer SDK and blobs above the device limit', () => {
    expect(refusal(() => planSync(serving(4), manifest({ minSdkVersion: '9.0.0' })))).toMatch(/^sync-refused: .*needs SDK 9\.0\.0/);
    expect(refusal(() => planSync(serving(4), manifest({ snapshot: { ...manifest().snapshot, decodedBytes: 2 ** 30 } })))).toMatch(/^sync-refused: .*larger than/);
  });
});
