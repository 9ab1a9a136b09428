/**
 * Release year from a title that ends in a parenthesised year, as MovieLens writes them:
 * `"Toy Story (1995)"` → 1995, `"Babylon 5 (1994–1998)"` → 1994 (first year of a range).
 * `undefined` when the title ends otherwise.
 *
 * @example
 * ```ts
 * yearFromTitle('American President, The (1995)'); // 1995
 * yearFromTitle('Hyena Road');                     // undefined
 * ```
 */
export function yearFromTitle(title: string): number | undefined {
  const match = /\((\d{4})(?:\s*[-–]\s*(?:\d{4})?)?\)\s*$/.exec(title);
  return match ? Number(match[1]) : undefined;
}
