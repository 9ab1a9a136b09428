/**
 * True when an `Accept-Encoding` field value allows `coding` (RFC 9110 §12.5.3): listed by name
 * (or as `*`) with a weight above 0; `gzip;q=0` forbids it.
 *
 * @example
 * ```ts
 * acceptsContentCoding('gzip, br;q=0.5', 'br'); // true
 * acceptsContentCoding('gzip;q=0', 'gzip'); // false
 * ```
 */
export function acceptsContentCoding(header: string | undefined, coding: 'br' | 'gzip'): boolean {
  if (!header) return false;
  let wildcard = false;
  for (const element of header.split(',')) {
    const [name, ...parameters] = element.split(';').map((part) => part.trim().toLowerCase());
    const weight = parameters.find((parameter) => parameter.startsWith('q='));
    const allowed = weight === undefined || Number(weight.slice(2)) > 0;
    // §12.5.3: x-gzip is an alias of gzip.
    if (name === coding || (coding === 'gzip' && name === 'x-gzip')) return allowed;
    if (name === '*') wildcard = allowed;
  }
  return wildcard;
}
