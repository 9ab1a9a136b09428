import type { ModelEvaluation } from '../../models/evaluation/evaluateStrongGeneralization';

/** The evaluation results as a Markdown table (pastes straight into a note or report); a Genre@10 column when the catalog has genres. */
export function formatEvaluationTable(results: readonly ModelEvaluation[]): string {
  // Genre agreement only where the catalog has genres (MovieLens, synthetic; not Last.fm).
  const withGenres = results.some((r) => r.genreAgreementAt10 !== undefined);
  const header = [
    'model',
    'users',
    'Recall@20',
    'Recall@50',
    'NDCG@100',
    'Precision@10',
    'F1@10',
    'MAP@100',
    'Coverage@20',
    ...(withGenres ? ['Genre@10'] : []),
    'train s/fold',
    'ms/user',
  ];
  const rows = results.map((r) => [
    r.name,
    String(r.users),
    ...[r.recallAt20, r.recallAt50, r.ndcgAt100, r.precisionAt10, r.f1At10, r.mapAt100, r.coverageAt20, ...(withGenres ? [r.genreAgreementAt10 ?? Number.NaN] : [])].map((value) =>
      value.toFixed(4),
    ),
    r.trainSeconds.toFixed(2),
    r.scoreMsPerUser.toFixed(2),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]): string => `| ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join(' | ')} |`;
  return [line(header), `|${widths.map((width, column) => (column === 0 ? '-'.repeat(width + 2) : '-'.repeat(width + 1) + ':')).join('|')}|`, ...rows.map(line)].join('\n');
}
