import { cpus } from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Command } from 'commander';
import { evaluateStrongGeneralization, type EvaluationCandidate, type ModelEvaluation } from '../../../models/evaluation/evaluateStrongGeneralization';
import { alsCandidate } from '../../../models/node/evaluation/alsCandidate';
import { drawRecallChart } from '../../../models/evaluation/drawRecallChart';
import { trainPopularity } from '../../../models/baselines/trainPopularity';
import { trainUserKnn } from '../../../models/baselines/trainUserKnn';
import { trainItemKnn } from '../../../models/baselines/trainItemKnn';
import { trainContentBased } from '../../../models/baselines/trainContentBased';
import { trainEase } from '../../../models/baselines/trainEase';
import { OndeckError, isOndeckError } from '../../../models/errors/OndeckError';
import { evaluateColdStartItems, type ColdStartEvaluation } from '../../../models/node/evaluation/evaluateColdStartItems';
import { addAlsOptions, resolveAlsHyperparameters, resolveRunOptions, type AlsFlagValues } from '../alsOptions';
import { addDataOptions, loadDatasetFromFlags, type DataFlagValues } from '../dataOptions';
import { parseNumberOption } from '../parseOptionValues';
import { formatEvaluationTable } from '../formatEvaluationTable';

interface EvalFlags extends AlsFlagValues, DataFlagValues {
  folds?: string;
  maxFolds?: string;
  models?: string;
  out?: string;
  chart?: string;
  quiet?: boolean;
}

/** Every model `ondeck eval` knows, by the name `--models` takes. */
const MODEL_NAMES = ['popularity', 'userknn', 'itemknn', 'content', 'ease', 'ials'] as const;

/** `ondeck eval`: strong-generalization comparison of every model on the same folds. */
export function registerEvalCommand(program: Command): void {
  const command = program
    .command('eval')
    .description('compare iALS (float, int8 on-device, hybrid) with the baselines on held-out users')
    .option('--folds <k>', 'user folds (default 5)')
    .option('--max-folds <n>', 'evaluate only the first n folds (default: all)')
    .option('--models <list>', `comma-separated subset of ${MODEL_NAMES.join(',')} (default: all)`)
    .option('--out <file>', 'write the results as JSON')
    .option('--chart <file>', 'write Recall@K curves as SVG')
    .option('--quiet', 'no progress output');
  addDataOptions(command);
  addAlsOptions(command);
  command.action(async (flags: EvalFlags) => {
    const dataset = await loadDatasetFromFlags(flags, flags.quiet);
    const hyper = await resolveAlsHyperparameters(flags);
    const run = resolveRunOptions(flags, cpus().length);
    const wanted = new Set((flags.models ?? MODEL_NAMES.join(',')).split(',').map((name) => name.trim().toLowerCase()));
    for (const name of wanted) {
      if (!(MODEL_NAMES as readonly string[]).includes(name)) {
        throw new OndeckError('invalid-argument', { name: '--models', reason: `unknown model "${name}"; known: ${MODEL_NAMES.join(', ')}` });
      }
    }
    const all: Record<(typeof MODEL_NAMES)[number], EvaluationCandidate> = {
      popularity: { name: 'Popularity', train: (train) => trainPopularity(train) },
      userknn: { name: 'UserKNN', train: (train) => trainUserKnn(train) },
      itemknn: { name: 'ItemKNN', train: (train) => trainItemKnn(train) },
      content: { name: 'ContentBased', train: (train, context) => trainContentBased(train, context) },
      ease: { name: 'EASE', train: (train) => trainEase(train) },
      ials: alsCandidate({ hyper, epochs: run.epochs, threads: run.threads, includeHybrid: true }),
    };
    const candidates = MODEL_NAMES.filter((name) => wanted.has(name)).map((name) => all[name]);
    const started = performance.now();
    const results = await evaluateStrongGeneralization(dataset, candidates, {
      folds: parseNumberOption('folds', flags.folds, { min: 2, integer: true }) ?? 5,
      maxFolds: parseNumberOption('max-folds', flags.maxFolds, { min: 1, integer: true }),
      seed: run.seed,
      onProgress: flags.quiet ? undefined : (message) => process.stderr.write(`eval: ${message}\n`),
    });
    process.stdout.write(formatEvaluationTable(results) + '\n');
    let coldStart: ColdStartEvaluation | undefined;
    if (wanted.has('ials')) {
      if (!flags.quiet) process.stderr.write('eval: cold-start titles (10% of titles with ≥ 5 viewers hidden from training)\n');
      coldStart = await evaluateColdStartItems(dataset, { hyper, epochs: run.epochs, threads: run.threads, seed: run.seed }).catch((error: unknown) => {
        if (isOndeckError(error, 'empty-data')) return undefined;
        throw error;
      });
      if (coldStart) {
        process.stdout.write(`\nCold-start titles: ${coldStart.coldItems} titles hidden from training, ${coldStart.users} held-out viewers\n`);
        process.stdout.write('| model | Recall@20 among cold titles |\n|---|---:|\n');
        for (const [name, recall] of Object.entries(coldStart.recallAt20)) process.stdout.write(`| ${name} | ${recall.toFixed(4)} |\n`);
      }
    }
    const seconds = (performance.now() - started) / 1000;
    if (flags.out) await writeOutput(flags.out, JSON.stringify({ data: flags.data, hyper, epochs: run.epochs, seconds, results, coldStart }, null, 2) + '\n');
    if (flags.chart) await writeOutput(flags.chart, chartOf(results, flags.data));
  });
}

function chartOf(results: readonly ModelEvaluation[], data: string): string {
  return drawRecallChart(
    results.map((result) => ({ name: result.name, points: result.recallCurve.map((point) => ({ k: point.k, recall: point.recall })) })),
    { title: `Recall@K — ${basename(data.replace(/[/\\]+$/, ''))}` },
  );
}

async function writeOutput(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}
