import { describe, expect, it } from 'vitest';
import { checkSyncTrust } from '../../../worker/sync/checkSyncTrust';

const key = (fill: number): string => Buffer.alloc(32, fill).toString('base64');

describe('checkSyncTrust', () => {
  it('takes one key or several with a threshold, and an optional directory', () => {
    expect(checkSyncTrust({ publicKey: key(1) })).toEqual({ publicKeys: [new Uint8Array(32).fill(1)], threshold: 1 });
    const trust = checkSyncTrust({ publicKeys: [key(1), key(2), key(3)], signatureThreshold: 2, syncDirectoryId: 'tv-eu' });
    expect(trust.publicKeys.map((raw) => raw[0])).toEqual([1, 2, 3]);
    expect(trust).toMatchObject({ threshold: 2, directoryId: 'tv-eu' });
  });

  it.each([
    [{}, 'publicKey', 'exactly one of publicKey, publicKeys and syncRoot'],
    [{ publicKey: key(1), publicKeys: [key(2)] }, 'publicKey', 'exactly one'],
    [{ publicKeys: [] }, 'publicKeys', '1 to 16 keys'],
    [{ publicKeys: [key(1), Buffer.alloc(31).toString('base64')] }, 'publicKeys', 'key 2 is 31'],
    [{ publicKeys: [key(1), key(1)] }, 'publicKeys', 'listed twice'],
    [{ publicKeys: [key(1), key(2)], signatureThreshold: 3 }, 'signatureThreshold', 'from 1 to the 2 trusted key(s), got 3'],
    [{ publicKey: key(1), signatureThreshold: 0.5 }, 'signatureThreshold', 'got 0.5'],
    [{ publicKey: key(1), syncDirectoryId: '' }, 'syncDirectoryId', 'non-empty string'],
  ])('refuses %j naming %s', (options, name, reason) => {
    expect(() => checkSyncTrust(options)).toThrow(
      expect.objectContaining({ code: 'invalid-argument', details: expect.objectContaining({ name }), message: expect.stringContaining(reason) }),
    );
  });
});
