import { cpus } from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { tuneAls } from '../../../models/node/evaluation/tuneAls';
import { addAlsOptions, resolveAlsHyperparameters, resolveRunOptions, type AlsFlagValues } from '../alsOptions';
import { addDataOptions, loadDatasetFromFlags, type DataFlagValues } from '../dataOptions';
import { parseNumberOption } from '../parseOptionValues';

interface TuneFlags extends AlsFlagValues, DataFlagValues {
  out: string;
  rounds?: string;
  quiet?: boolean;
}

/** `ondeck tune`: coordinate search of iALS hyperparameters on a validation split of the users. */
export function registerTuneCommand(program: Command): void {
  const command = program
    .command('tune')
    .description('search factors / regularization / unobserved weight / alpha on held-out validation users')
    .requiredOption('--out <file>', 'JSON file for the best hyperparameters (pass it to train/eval with --params)')
    .option('--rounds <n>', 'passes over the hyperparameters (default 2)')
    .option('--quiet', 'no per-trial output');
  addDataOptions(command);
  addAlsOptions(command);
  command.action(async (flags: TuneFlags) => {
    const dataset = await loadDatasetFromFlags(flags, flags.quiet);
    const start = await resolveAlsHyperparameters(flags);
    const run = resolveRunOptions(flags, cpus().length);
    const { best, trials } = await tuneAls(dataset, {
      start,
      epochs: run.epochs,
      threads: run.threads,
      rounds: parseNumberOption('rounds', flags.rounds, { min: 1, integer: true }),
      onTrial: flags.quiet
        ? undefined
        : (trial, bestSoFar) => process.stderr.write(`tune: NDCG@100 ${trial.ndcgAt100.toFixed(4)} ${JSON.stringify(trial.hyper)}${trial === bestSoFar ? '  ← best' : ''}\n`),
    });
    await mkdir(dirname(flags.out), { recursive: true });
    await writeFile(flags.out, JSON.stringify({ hyper: best.hyper, epochs: run.epochs, validationNdcgAt100: best.ndcgAt100, trials }, null, 2) + '\n');
    process.stdout.write(`best NDCG@100 ${best.ndcgAt100.toFixed(4)} (Recall@20 ${best.recallAt20.toFixed(4)}) with ${JSON.stringify(best.hyper)} → ${flags.out}\n`);
  });
}
