import type { RowToleranceQuality, ServedModelQuality } from './measureRowToleranceQuality';

/**
 * The quality cost of `--row-tolerance` as a caption and a Markdown table (τ, rows shipped,
 * Recall@20, NDCG@100, each Δ against τ = 0 with its standard error), for the benchmark's log.
 *
 * @example
 * ```ts
 * process.stdout.write(formatRowToleranceQuality(await measureRowToleranceQuality()) + '\n');
 * // | 0.05 | 81.04% | 0.2143 | −0.0004 ± 0.0011 | 0.2311 | −0.0007 ± 0.0003 |
 * ```
 */
export function formatRowToleranceQuality(quality: RowToleranceQuality): string {
  const percent = (fraction: number): string => `${(100 * fraction).toFixed(2)}%`;
  const delta = (value: number, error: number): string => `${value < 0 ? '−' : '+'}${Math.abs(value).toFixed(4)} ± ${error.toFixed(4)}`;
  const line = (label: string, shipped: string, row: ServedModelQuality): string =>
    `| ${label} | ${shipped} | ${row.recallAt20.toFixed(4)} | ${delta(row.recallAt20Delta, row.recallAt20DeltaError)} | ${row.ndcgAt100.toFixed(4)} | ${delta(row.ndcgAt100Delta, row.ndcgAt100DeltaError)} |`;
  return [
    `--row-tolerance vs quality (${quality.data}: ${quality.items} items, ${quality.heldOutUsers} held-out users over ${quality.folds} fold(s) of 5; ` +
      `v1 ${quality.epochs} epochs on yesterday's log, ${quality.retrain}, ${quality.warmEpochs} epochs; device int8 fold-in + scoring; ` +
      `Δ against τ = 0 ± standard error of the per-user differences; ${quality.seconds.toFixed(1)} s):`,
    '| τ | rows shipped | Recall@20 | Δ | NDCG@100 | Δ |',
    '|---|---:|---:|---:|---:|---:|',
    ...quality.rows.map((row) => line(String(row.tolerance), percent(row.rowsShipped), row)),
    line('v1 (no update)', percent(0), quality.previousVersion),
  ].join('\n');
}
