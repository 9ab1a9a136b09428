/**
 * How a held-out viewer's titles are split into what is folded in and what must be found:
 *
 * - `random`: a seeded random 80% is folded in, the other 20% is the truth (strong
 *   generalization as Liang et al. 2018 run it).
 * - `temporal` ("next watches"): the titles ordered by time, the first 80% folded in, the last
 *   20% is the truth.
 * - `short` ("new profile"): the first `foldInTitles` titles in time folded in, the rest is the
 *   truth.
 *
 * The temporal ones need the matrix's `times`.
 */
export type EvaluationProtocol = { readonly kind: 'random' } | { readonly kind: 'temporal' } | { readonly kind: 'short'; readonly foldInTitles: number };

/** The protocol `ondeck eval` and the evaluation use unless told otherwise. */
export const RANDOM_PROTOCOL: EvaluationProtocol = Object.freeze({ kind: 'random' });

/**
 * The protocol's name as `--protocol` takes it and the JSON output carries it.
 *
 * @example
 * ```ts
 * protocolName({ kind: 'short', foldInTitles: 3 }); // 'short-3'
 * ```
 */
export function protocolName(protocol: EvaluationProtocol): string {
  return protocol.kind === 'short' ? `short-${protocol.foldInTitles}` : protocol.kind;
}

/**
 * Titles a viewer needs to be held out under `protocol`: `minPositives` for every protocol (tiny
 * histories make noisy rows), and at least one title beyond the fold-in, so there is a truth.
 *
 * @example
 * ```ts
 * minimumTitlesFor({ kind: 'short', foldInTitles: 5 }, 5); // 6
 * ```
 */
export function minimumTitlesFor(protocol: EvaluationProtocol, minPositives: number): number {
  return Math.max(minPositives, protocol.kind === 'short' ? protocol.foldInTitles + 1 : 2);
}
