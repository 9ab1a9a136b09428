import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isOndeckError } from '../../../models/errors/OndeckError';
import { decodeBase64 } from '../../../models/sync/decodeBase64';
import { decompressBlob } from '../../../worker/sync/decompressBlob';
import { parseRetryAfter, MAX_RETRY_AFTER_MS } from '../../../worker/sync/parseRetryAfter';
import { compareSemver, ONDECK_SDK_VERSION } from '../../../worker/sync/sdkVersion';
import { verifyEd25519 } from '../../../worker/sync/verifyEd25519';
import { testSigningKey } from '../../support/signingKey';

const codeOf = async (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (isOndeckError(error) ? error.code : `not an OndeckError: ${String(error)}`),
  );

describe('decodeBase64', () => {
  it('decodes what Node encodes, with and without padding, for every length mod 3', () => {
    for (let length = 0; length < 20; length++) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 67 + 13) % 256);
      const encoded = Buffer.from(bytes).toString('base64');
      expect(Array.from(decodeBase64(encoded, 'x'))).toEqual(Array.from(bytes));
      expect(Array.from(decodeBase64(encoded.replace(/=+$/, ''), 'x'))).toEqual(Array.from(bytes));
    }
  });
  it('refuses characters outside the alphabet instead of skipping them', () => {
    expect(() => decodeBase64('AQ-D', 'key')).toThrow(/not base64/);
    expect(() => decodeBase64('AQI D', 'key')).toThrow(/not base64|length/);
    expect(() => decodeBase64('A', 'key')).toThrow(/length/);
  });
});

describe('verifyEd25519', () => {
  const key = testSigningKey();
  const message = new TextEncoder().encode('{"format":"ondeck-sync","version":2}');
  const signature = key.sign(message);

  it.each(['auto', 'js'] as const)('accepts a valid signature (%s) and says which implementation did', async (implementation) => {
    const verifier = await verifyEd25519(message, signature, key.publicKey, implementation);
    expect(verifier).toBe(implementation === 'js' ? 'tweetnacl' : 'webcrypto');
  });

  it.each(['auto', 'js'] as const)('refuses a flipped message bit, a flipped signature bit and another key (%s)', async (implementation) => {
    const tampered = message.slice();
    tampered[5] ^= 1;
    expect(await codeOf(verifyEd25519(tampered, signature, key.publicKey, implementation))).toBe('signature-invalid');
    const badSignature = signature.slice();
    badSignature[10] ^= 0x40;
    expect(await codeOf(verifyEd25519(message, badSignature, key.publicKey, implementation))).toBe('signature-invalid');
    expect(await codeOf(verifyEd25519(message, signature, testSigningKey().publicKey, implementation))).toBe('signature-invalid');
  });

  it.each(['auto', 'js'] as const)('refuses a non-canonical S = S + L that tweetnacl alone would accept (%s)', async (implementation) => {
    // Add L to S (little-endian): the same point equation holds, but RFC 8032 requires S < L.
    const order = [0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10];
    const malleated = signature.slice();
    let carry = 0;
    for (let i = 0; i < 32; i++) {
      const sum = malleated[32 + i] + order[i] + carry;
      malleated[32 + i] = sum & 0xff;
      carry = sum >> 8;
    }
    // Only meaningful when S + L still fits in 256 bits (it does unless S is huge).
    expect(carry).toBe(0);
    expect(await codeOf(verifyEd25519(message, malleated, key.publicKey, implementation))).toBe('signature-invalid');
  });

  it('refuses a public key that is not 32 bytes as a caller mistake', async () => {
    expect(await codeOf(verifyEd25519(message, signature, key.publicKey.subarray(1)))).toBe('invalid-argument');
  });
});

describe('decompressBlob', () => {
  const text = new TextEncoder().encode('ondeck '.repeat(5000));
  const gz = new Uint8Array(gzipSync(text));

  it.each(['auto', 'js'] as const)('gunzips to exactly the declared size (%s)', async (implementation) => {
    const decoded = await decompressBlob(gz, 'gzip', text.length, 'blob', implementation);
    expect(Buffer.from(decoded).equals(Buffer.from(text))).toBe(true);
  });

  it.each(['auto', 'js'] as const)('refuses another declared size, garbage and a cut stream as model-corrupt (%s)', async (implementation) => {
    expect(await codeOf(decompressBlob(gz, 'gzip', text.length - 1, 'blob', implementation))).toBe('model-corrupt');
    expect(await codeOf(decompressBlob(text.subarray(0, 100), 'gzip', 100, 'blob', implementation))).toBe('model-corrupt');
    const cut = new Uint8Array([...gz.subarray(0, gz.length >> 1), ...gz.subarray(gz.length - 8)]);
    expect(await codeOf(decompressBlob(cut, 'gzip', text.length, 'blob', implementation))).toBe('model-corrupt');
  });

  it('passes identity blobs through, checking the size', async () => {
    expect(await decompressBlob(text, 'identity', text.length, 'blob')).toBe(text);
    expect(await codeOf(decompressBlob(text, 'identity', text.length + 1, 'blob'))).toBe('model-corrupt');
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads delay-seconds and HTTP dates, clamps, and ignores garbage', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('99999999', now)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe('SDK version', () => {
  it('equals package.json version, and compares as semver', () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../../package.json'), 'utf8')) as { version: string };
    expect(ONDECK_SDK_VERSION).toBe(pkg.version);
    expect(compareSemver('0.2.0', '0.10.0')).toBeLessThan(0);
    expect(compareSemver('1.0.0', '1.0.0-rc.1')).toBe(0);
    expect(compareSemver('2.0.0', '1.99.99')).toBeGreaterThan(0);
    expect(compareSemver('latest', '1.0.0')).toBeNaN();
  });
});
