import { OndeckError } from '../errors/OndeckError';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const VALUES: Int16Array = (() => {
  const values = new Int16Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) values[ALPHABET.charCodeAt(i)] = i;
  return values;
})();

/**
 * Decodes standard base64 (RFC 4648 §4, `=` padding optional, no line breaks) into bytes.
 * Written out instead of `atob` because `atob` yields a binary string that costs a second pass,
 * and because this is strict: any character outside the alphabet is an error rather than being
 * skipped, so a mangled key or signature never decodes to something else.
 *
 * @param what Names the value in the error (`publicKey`, `signature`, …).
 * @throws OndeckError `invalid-argument` on malformed input.
 * @example
 * ```ts
 * decodeBase64('AQID', 'payload'); // Uint8Array [1, 2, 3]
 * ```
 */
export function decodeBase64(text: string, what: string): Uint8Array {
  if (typeof text !== 'string') throw new OndeckError('invalid-argument', { name: what, reason: 'base64 must be a string' });
  let end = text.length;
  if (end % 4 === 0 && end > 0 && text.charCodeAt(end - 1) === 61) end -= text.charCodeAt(end - 2) === 61 ? 2 : 1;
  if (end % 4 === 1) throw new OndeckError('invalid-argument', { name: what, reason: 'base64 has an impossible length' });
  const bytes = new Uint8Array(Math.floor((end * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let out = 0;
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? VALUES[code] : -1;
    if (value < 0) throw new OndeckError('invalid-argument', { name: what, reason: `not base64 (character ${i})` });
    buffer = ((buffer << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[out++] = (buffer >> bits) & 0xff;
    }
  }
  return bytes;
}
