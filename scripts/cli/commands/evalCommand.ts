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
import { easeCandidate } from '../../../models/evaluation/easeCandidate';
import { parseEvaluationProtocol } from '../../../models/evaluation/parseEvaluationProtocol';
import { protocolName, type EvaluationProtocol } from '../../../models/evaluation/EvaluationProtocol';
import { countSkippedUsers } from '../../../models/evaluation/countSkippedUsers';
import { OndeckError, isOndeckError } from '../../../models/errors/OndeckError';
import type { PopularityPriorParameters } from '../../../models/scoring/PopularityPrior';
import { evaluateColdStartItems, type ColdStartEvaluation } from '../../../models/node/evaluation/evaluateColdStartItems';
import { addAlsOptions, resolveAlsHyperparameters, resolveRunOptions, type AlsFlagValues } from '../alsOptions';
import { addDataOptions, loadDatasetFromFlags, type DataFlagValues } from '../dataOptions';
import { parseNumberOption } from '../parseOptionValues';
import { formatEvaluationTable } from '../formatEvaluationTable';
import { similarCandidate } from '../../../models/node/evaluation/similarCandidate';
import { addDeviceRankingOptions, resolveDeviceRanking, type DeviceRankingFlagValues } from '../deviceRankingOptions';

interface EvalFlags extends AlsFlagValues, DataFlagValues, DeviceRankingFlagValues {
  folds?: string;
  maxFolds?: string;
  models?: string;
  out?: string;
  chart?: string;
  protocol?: string;
  halfLife?: string;
  quiet?: boolean;
}

/** Half-life, in titles, of the recency-weighted EASE row on the temporal protocol (issue 15). */
const DEFAULT_RECENCY_HALF_LIFE = 20;

/** Every model `ondeck eval` knows, by the name `--models` takes. */
const MODEL_NAMES = ['popularity', 'userknn', 'itemknn', 'content', 'ease', 'ials', 'similar'] as const;

/** `ondeck eval`: strong-generalization comparison of every model on the same folds. */
export function registerEvalCommand(program: Command): void {
  const command = program
    .command('eval')
    .description('compare iALS (float, int8 on-device, hybrid) with the baselines on held-out users')
    .option(
      '--protocol <name>',
      'how a held-out viewer is split: random (80% fold-in / 20% truth at random), temporal (first 80% in time folded in, last 20% truth) ' +
        'or short-N (first N titles in time folded in, the rest truth); temporal and short-N need timestamps (default random)',
    )
    .option('--half-life <titles>', `recency half-life of the "EASE recency" row on --protocol temporal, in titles (default ${DEFAULT_RECENCY_HALF_LIFE})`)
    .option('--folds <k>', 'user folds (default 5)')
    .option('--max-folds <n>', 'evaluate only the first n folds (default: all)')
    .option('--models <list>', `comma-separated subset of ${MODEL_NAMES.join(',')} (default: all)`)
    .option('--out <file>', 'write the results as JSON')
    .option('--chart <file>', 'write Recall@K curves as SVG')
    .option('--quiet', 'no progress output');
  addDataOptions(command);
  addAlsOptions(command);
  addDeviceRankingOptions(command);
  command.action(async (flags: EvalFlags) => {
    const protocol = parseEvaluationProtocol(flags.protocol ?? 'random');
    const deviceRanking = resolveDeviceRanking(flags);
    const halfLife = parseNumberOption('half-life', flags.halfLife, { min: 1 }) ?? DEFAULT_RECENCY_HALF_LIFE;
    const dataset = await loadDatasetFromFlags(flags, flags.quiet);
    // Refused before any training, naming the data set (the split would refuse it too, without the path).
    if (protocol.kind !== 'random' && dataset.interactions.times === undefined) {
      throw new OndeckError('missing-timestamps', { path: flags.data, protocol: protocolName(protocol) });
    }
    const hyper = await resolveAlsHyperparameters(flags);
    const run = resolveRunOptions(flags, cpus().length);
    const wanted = new Set((flags.models ?? MODEL_NAMES.join(',')).split(',').map((name) => name.trim().toLowerCase()));
    for (const name of wanted) {
      if (!(MODEL_NAMES as readonly string[]).includes(name)) {
        throw new OndeckError('invalid-argument', { name: '--models', reason: `unknown model "${name}"; known: ${MODEL_NAMES.join(', ')}` });
      }
    }
    const tunedPriors: PopularityPriorParameters[] = [];
    const all: Record<(typeof MODEL_NAMES)[number], EvaluationCandidate> = {
      popularity: { name: 'Popularity', train: (train) => trainPopularity(train) },
      userknn: { name: 'UserKNN', train: (train) => trainUserKnn(train) },
      itemknn: { name: 'ItemKNN', train: (train) => trainItemKnn(train) },
      content: { name: 'ContentBased', train: (train, context) => trainContentBased(train, context) },
      ease: easeCandidate({ recencyHalfLife: protocol.kind === 'temporal' ? halfLife : undefined }),
      ials: alsCandidate({
        hyper,
        epochs: run.epochs,
        threads: run.threads,
        includeHybrid: true,
        popularityPrior: deviceRanking.popularityPrior,
        // The device weights its history by recency; the time-ordered protocols give the fold-in
        // titles' real times, so the on-device row does too (random splits ignore time).
        recencyHalfLifeDays: protocol.kind === 'random' ? undefined : deviceRanking.recencyHalfLifeDays,
        onPriorTuned: (prior) => tunedPriors.push(prior),
      }),
      // "More like this" similarities (read them under --protocol short-1: one seed title).
      similar: similarCandidate({ hyper, epochs: run.epochs, threads: run.threads }),
    };
    // 'similar' is an item-to-item comparison, asked for by name, not part of the default table.
    const candidates = MODEL_NAMES.filter((name) => wanted.has(name) && (name !== 'similar' || flags.models !== undefined)).map((name) => all[name]);
    const started = performance.now();
    const split = { folds: parseNumberOption('folds', flags.folds, { min: 2, integer: true }) ?? 5, seed: run.seed, protocol };
    const skippedUsers = countSkippedUsers(dataset.interactions, split);
    const results = await evaluateStrongGeneralization(dataset, candidates, {
      ...split,
      maxFolds: parseNumberOption('max-folds', flags.maxFolds, { min: 1, integer: true }),
      onProgress: flags.quiet ? undefined : (message) => process.stderr.write(`eval: ${message}\n`),
    });
    process.stdout.write(`Protocol ${protocolName(protocol)}: ${describeProtocol(protocol)}; ${skippedUsers} users skipped (too few titles)\n\n`);
    process.stdout.write(formatEvaluationTable(results) + '\n');
    if (wanted.has('ials'))
      process.stdout.write(`\n${describeDeviceRanking(deviceRanking.popularityPrior, tunedPriors, protocol.kind === 'random' ? undefined : deviceRanking.recencyHalfLifeDays)}\n`);
    let coldStart: ColdStartEvaluation | undefined;
    // Cold-start titles are hidden from a random user split of their own: the same figure under every protocol, so it is measured once, on random.
    if (wanted.has('ials') && protocol.kind === 'random') {
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
    if (flags.out) {
      const protocolReport = { name: protocolName(protocol), ...(protocol.kind === 'temporal' ? { recencyHalfLife: halfLife } : {}) };
      await writeOutput(
        flags.out,
        JSON.stringify(
          {
            data: flags.data,
            protocol: protocolReport,
            skippedUsers,
            hyper,
            epochs: run.epochs,
            device: {
              popularityPrior: deviceRanking.popularityPrior === 'tune' ? tunedPriors : (deviceRanking.popularityPrior ?? null),
              recencyHalfLifeDays: protocol.kind === 'random' ? null : deviceRanking.recencyHalfLifeDays,
            },
            seconds,
            results,
            coldStart,
          },
          null,
          2,
        ) + '\n',
      );
    }
    if (flags.chart) await writeOutput(flags.chart, chartOf(results, flags.data));
  });
}

/** The on-device row's prior and recency, for the line under the table. */
function describeDeviceRanking(asked: PopularityPriorParameters | 'tune' | undefined, tuned: readonly PopularityPriorParameters[], halfLifeDays: number | undefined): string {
  const format = (prior: PopularityPriorParameters): string => `${prior.weight},${prior.historyScale}`;
  const prior = asked === undefined ? 'none' : asked === 'tune' ? `tuned per fold on its training users (weight,scale: ${tuned.map(format).join('; ')})` : format(asked);
  return `iALS int8 on-device: popularity prior ${prior}; recency ${halfLifeDays === undefined ? 'not applied (random split)' : `half-life ${halfLifeDays} days`}`;
}

/** What the protocol folds in and holds out, for the line above the table. */
function describeProtocol(protocol: EvaluationProtocol): string {
  switch (protocol.kind) {
    case 'random':
      return "each held-out viewer's titles split at random, 80% folded in, 20% is the truth";
    case 'temporal':
      return "each held-out viewer's titles in time order, the first 80% folded in, the last 20% is the truth";
    case 'short':
      return `each held-out viewer's first ${protocol.foldInTitles} titles in time folded in, the rest is the truth`;
  }
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
