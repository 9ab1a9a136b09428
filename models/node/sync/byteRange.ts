/**
 * What to answer to a request's `Range` header for a representation of `size` bytes:
 * - `whole`: no Range, or one to ignore, answered 200 with every byte;
 * - `partial`: 206 with bytes `start`..`end` (inclusive, both within the file);
 * - `unsatisfiable`: 416, whose Content-Range names only the size (RFC 9110 §15.5.17).
 */
export type ByteRangeAnswer = { readonly kind: 'whole' } | { readonly kind: 'partial'; readonly start: number; readonly end: number } | { readonly kind: 'unsatisfiable' };

const INT_RANGE = /^(\d+)-(\d*)$/;
const SUFFIX_RANGE = /^-(\d+)$/;

/**
 * Decides how to answer `Range: <header>` (RFC 9110 §14) for `size` bytes. Numbers are compared,
 * never handed on unchecked: a `last-pos` of any length (past 2^53, past what a file system
 * holds) means "to the end" (§14.1.2), so `start` and `end` are always valid offsets.
 *
 * - A unit other than `bytes` is ignored (§14.2: an origin server MUST ignore units it does not
 *   understand); so are several ranges (§14.2 lets a server ignore Range; ondeck does not build
 *   multipart/byteranges, and a device only ever resumes one download).
 * - One int-range `first-[last]` or suffix-range `-length` is answered exactly (§14.1.2, §14.1.3):
 *   `last` past the end is clamped, a suffix longer than the file means all of it.
 * - A range that is invalid (`last < first`, not numbers) or unsatisfiable (`first` at or past
 *   the end, a zero suffix) is `unsatisfiable`: §14.2 says such a request SHOULD get 416.
 * - A zero-byte file has nothing to cut: a non-zero suffix is answered whole, as no 206 can
 *   describe an empty range (§14.4 wants `first ≤ last`).
 *
 * @param header the request's Range field value; undefined when absent.
 * @example
 * ```ts
 * byteRange('bytes=0-9007199254740992', 943); // { kind: 'partial', start: 0, end: 942 }
 * byteRange('bytes=943-', 943); // { kind: 'unsatisfiable' }
 * ```
 */
export function byteRange(header: string | undefined, size: number): ByteRangeAnswer {
  if (header === undefined) return { kind: 'whole' };
  const equals = header.indexOf('=');
  // Range units are case-insensitive (§14.1).
  if (equals < 0 || header.slice(0, equals).trim().toLowerCase() !== 'bytes') return { kind: 'whole' };
  const specs = header
    .slice(equals + 1)
    .split(',')
    .map((spec) => spec.trim());
  if (specs.length !== 1) return { kind: 'whole' };
  const [spec] = specs;

  const intRange = INT_RANGE.exec(spec);
  if (intRange) {
    const first = Number(intRange[1]);
    const last = intRange[2] === '' ? Infinity : Number(intRange[2]);
    if (last < first || first >= size) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: first, end: Math.min(last, size - 1) };
  }
  const suffixRange = SUFFIX_RANGE.exec(spec);
  if (suffixRange) {
    const length = Number(suffixRange[1]);
    if (length === 0) return { kind: 'unsatisfiable' };
    if (size === 0) return { kind: 'whole' };
    return { kind: 'partial', start: Math.max(0, size - length), end: size - 1 };
  }
  return { kind: 'unsatisfiable' };
}
