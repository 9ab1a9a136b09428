/**
 * A response body, read chunk by chunk and abandoned (the body cancelled) as soon as it passes
 * `limit` bytes, whether or not it declared a length: a server that streams without end costs
 * `limit` bytes of memory, not all of it. Engines without streamed bodies read it whole, then check.
 *
 * @param tooLarge the error to throw, told what was seen (`"more than 1048576 bytes"`).
 * @example
 * ```ts
 * const bytes = await readBodyAtMost(response, 1 << 20, (what) => new OndeckError('sync-refused', { reason: `the manifest has ${what}` }));
 * ```
 */
export async function readBodyAtMost(response: Response, limit: number, tooLarge: (what: string) => Error): Promise<Uint8Array> {
  if (!response.body) {
    const whole = new Uint8Array(await response.arrayBuffer());
    if (whole.byteLength > limit) throw tooLarge(`${whole.byteLength} bytes`);
    return whole;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(`more than ${limit} bytes`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
