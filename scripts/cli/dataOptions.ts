import type { Command } from 'commander';
import { loadDataset } from '../../models/node/data/loadDataset';
import type { Dataset } from '../../models/data/Dataset';
import { parseNumberOption } from './parseOptionValues';

/** Adds --data and the loader flags. */
export function addDataOptions(command: Command): Command {
  return command
    .requiredOption('--data <path>', 'MovieLens folder, Last.fm folder, events CSV/JSONL, or a folder written by `ondeck synth`')
    .option('--format <name>', 'force a format instead of detecting it')
    .option('--min-rating <x>', 'explicit ratings at or above this become positives (default 4)')
    .option('--strict', 'fail on the first malformed line instead of skipping it (lines over 16 MiB are always refused)');
}

/** Values of {@link addDataOptions}'s flags. */
export interface DataFlagValues {
  data: string;
  format?: string;
  minRating?: string;
  strict?: boolean;
}

/** Loads the dataset and prints the load report's summary (and first warnings) to stderr. */
export async function loadDatasetFromFlags(flags: DataFlagValues, quiet = false): Promise<Dataset> {
  const dataset = await loadDataset(flags.data, {
    format: flags.format as never,
    minRating: parseNumberOption('min-rating', flags.minRating),
    strict: flags.strict === true,
  });
  if (!quiet) {
    const { report, interactions } = dataset;
    process.stderr.write(
      `loaded ${report.format}: ${interactions.userIds.length} users, ${interactions.itemIds.length} items, ` +
        `${interactions.indices.length} interactions (${report.linesRead} lines, ${report.skippedLines} skipped, ` +
        `${report.belowThreshold} below the rating threshold, ${report.duplicatesAggregated} duplicates summed)\n`,
    );
    for (const warning of report.warnings.slice(0, 5)) process.stderr.write(`  warning: ${warning.file}:${warning.line}: ${warning.reason}\n`);
    if (report.skippedLines > 5) process.stderr.write(`  … ${report.skippedLines - Math.min(5, report.warnings.length)} more skipped lines\n`);
  }
  return dataset;
}
