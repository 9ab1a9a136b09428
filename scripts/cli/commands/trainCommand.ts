import { cpus } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { trainAls } from '../../../models/node/als/trainAls';
import { itemUserCounts } from '../../../models/data/InteractionMatrix';
import { CHECKPOINT_FILES, readTrainingCheckpoint, writeTrainingCheckpoint } from '../../../models/node/artifact/trainingCheckpoint';
import { refuseForeignDirectory } from '../../../models/node/artifact/refuseForeignDirectory';
import { addAlsOptions, objectiveChosenByFlags, resolveAlsHyperparameters, resolveRunOptions, type AlsFlagValues } from '../alsOptions';
import { tuneObjective, type ObjectiveTuningFlagValues } from '../tuneObjective';
import { addDataOptions, loadDatasetFromFlags, type DataFlagValues } from '../dataOptions';
import { startProgress } from '../progressBar';
import { addDeviceRankingOptions, resolveDeviceRanking, type DeviceRankingFlagValues } from '../deviceRankingOptions';
import { tuneDevicePrior } from '../../../models/node/evaluation/tuneDevicePrior';
import type { PopularityPriorParameters } from '../../../models/scoring/PopularityPrior';

interface TrainFlags extends AlsFlagValues, DataFlagValues, DeviceRankingFlagValues, ObjectiveTuningFlagValues {
  out: string;
  warmStart?: string;
  quiet?: boolean;
}

/** `ondeck train`: implicit ALS on a dataset, written as a training checkpoint. */
export function registerTrainCommand(program: Command): void {
  const command = program
    .command('train')
    .description('train implicit ALS and write a checkpoint (float item factors) for `ondeck export`')
    .requiredOption('--out <dir>', 'checkpoint directory to write')
    .option('--warm-start <dir>', 'start from a previous checkpoint: keeps its latent basis (and lineage) so deltas stay small')
    .option('--no-tune', 'train with the defaults as they are instead of tuning factors, λ, unobserved weight and alpha on validation users')
    .option(
      '--tune-budget <time>',
      'time the tuning may take: 90s, 10m, 1h, or Nx for N × one training run (default 10x, measured on the first trial); ' +
        'no tuning with --params, --no-tune or any of --factors/--regularization/--regularization-exponent/--unobserved-weight/--alpha',
    )
    .option('--quiet', 'no progress output');
  addDataOptions(command);
  addAlsOptions(command);
  addDeviceRankingOptions(command);
  command.action(async (flags: TrainFlags) => {
    const deviceRanking = resolveDeviceRanking(flags);
    // Checked again when the checkpoint is written; checked first so that `--out` naming the
    // dataset (or any other directory) fails at once instead of after a long training run.
    await refuseForeignDirectory(flags.out, Object.values(CHECKPOINT_FILES));
    const dataset = await loadDatasetFromFlags(flags, flags.quiet);
    const given = await resolveAlsHyperparameters(flags);
    const run = resolveRunOptions(flags, cpus().length);
    const previous = flags.warmStart ? await readTrainingCheckpoint(flags.warmStart) : undefined;
    // Told what to train (a params file, an objective flag, --no-tune): trained as told. A warm
    // start keeps the previous model's factors (its basis is what keeps deltas small).
    const tuning =
      flags.tune === false || objectiveChosenByFlags(flags)
        ? undefined
        : await tuneObjective(dataset, given, flags, {
            run,
            recencyHalfLifeDays: deviceRanking.recencyHalfLifeDays,
            fixedFactors: previous?.hyper.factors,
            tunesPrior: deviceRanking.popularityPrior === 'tune',
          });
    const hyper = tuning ? tuning.best.hyper : given;
    const bar = startProgress('training', run.epochs, flags.quiet);
    const model = await trainAls(dataset.interactions, {
      hyper,
      ...run,
      warmStart: previous && { itemIds: previous.itemIds, dims: previous.hyper.factors, itemFactors: previous.itemFactors },
      onEpoch: (progress) => bar.update(progress.epoch, { loss: progress.loss.toFixed(4), 's/epoch': progress.epochSeconds.toFixed(2) }),
    });
    bar.stop();
    let popularityPrior: PopularityPriorParameters | undefined = deviceRanking.popularityPrior === 'tune' ? undefined : deviceRanking.popularityPrior;
    if (deviceRanking.popularityPrior === 'tune') {
      // Tuned on a fifth of the training users held out from a second, smaller training: the
      // model's own users would flatter the fold-in scores against the prior.
      if (!flags.quiet) process.stderr.write('tuning the popularity prior of new profiles on validation users (one more training on 80% of the users)…\n');
      const tuning = await tuneDevicePrior(dataset.interactions, { hyper, ...run, items: dataset.items, recencyHalfLifeDays: deviceRanking.recencyHalfLifeDays });
      popularityPrior = tuning.best.parameters.weight > 0 ? tuning.best.parameters : undefined;
      if (!flags.quiet) {
        const views = (trial: typeof tuning.best): string =>
          Object.entries(trial.byView)
            .map(([name, ndcg]) => `${name} ${ndcg.toFixed(4)}`)
            .join(', ');
        process.stderr.write(
          `popularity prior: ${popularityPrior ? `weight ${popularityPrior.weight}, scale ${popularityPrior.historyScale} titles` : 'none (it did not help)'}; ` +
            `validation NDCG@100 on ${tuning.validationUsers} users ${tuning.best.ndcgAt100.toFixed(4)} (${views(tuning.best)}) against ${tuning.withoutPrior.ndcgAt100.toFixed(4)} without (${views(tuning.withoutPrior)})\n`,
        );
      }
    }
    await writeTrainingCheckpoint(
      {
        lineageId: previous?.lineageId ?? randomUUID(),
        modelVersion: previous ? previous.modelVersion + 1 : 1,
        hyper: model.hyper,
        itemIds: model.itemIds,
        itemFactors: model.itemFactors,
        popularity: itemUserCounts(dataset.interactions),
        items: model.itemIds.map((id) => dataset.items.get(id) ?? { id, title: id, genres: [] }),
        training: {
          algorithm: 'ials',
          epochs: run.epochs,
          users: dataset.interactions.userIds.length,
          entries: dataset.interactions.indices.length,
          seed: run.seed,
          finalLoss: model.lossHistory.at(-1),
          source: flags.data,
        },
        ...(popularityPrior ? { popularityPrior } : {}),
        ...(tuning
          ? {
              tuning: {
                method: 'successive-halving' as const,
                start: tuning.start.hyper,
                validationNdcgAt100: tuning.best.ndcgAt100,
                startNdcgAt100: tuning.start.ndcgAt100,
                validationUsers: tuning.validationUsers,
                trials: tuning.trials.length,
                skipped: tuning.skipped,
                seconds: tuning.elapsedSeconds,
                budgetSeconds: tuning.budget.seconds,
              },
            }
          : {}),
      },
      flags.out,
    );
    const meanEpoch = model.epochSeconds.reduce((a, b) => a + b, 0) / model.epochSeconds.length;
    if (!flags.quiet) {
      process.stderr.write(
        `trained ${model.dims} factors × ${model.itemIds.length} items in ${run.epochs} epochs, λ ${model.hyper.regularization}, unobserved weight ${model.hyper.unobservedWeight}, alpha ${model.hyper.alpha}${tuning ? ' (tuned)' : ''} ` +
          `(${meanEpoch.toFixed(2)} s/epoch, ${run.threads} thread${run.threads > 1 ? 's' : ''}${previous ? `, warm start from version ${previous.modelVersion}` : ''}) → ${flags.out}\n`,
      );
    }
  });
}
