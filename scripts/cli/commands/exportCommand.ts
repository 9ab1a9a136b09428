import type { Command } from 'commander';
import { readTrainingCheckpoint } from '../../../models/node/artifact/trainingCheckpoint';
import { packageModel } from '../../../models/node/artifact/packageModel';
import { writeModelDirectory } from '../../../models/node/artifact/modelDirectory';
import { parseNumberOption } from '../parseOptionValues';
import { printModelSummary } from '../printModelSummary';

interface ExportFlags {
  checkpoint: string;
  out: string;
  clusters?: string;
  quiet?: boolean;
}

/** `ondeck export`: checkpoint → device model (int8 factors, Gramian, catalog, clusters, ONNX graph). */
export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description('quantise a training checkpoint into the device model directory (docs/format.md)')
    .requiredOption('--checkpoint <dir>', 'directory written by `ondeck train`')
    .requiredOption('--out <dir>', 'model directory to write (replaced atomically)')
    .option('--clusters <k>', 'taste clusters for genre-like rows (default 12)')
    .option('--quiet', 'no summary output')
    .action(async (flags: ExportFlags) => {
      const checkpoint = await readTrainingCheckpoint(flags.checkpoint);
      const model = packageModel({
        itemIds: checkpoint.itemIds,
        itemFactors: checkpoint.itemFactors,
        dims: checkpoint.hyper.factors,
        items: new Map(checkpoint.items.map((item) => [item.id, item])),
        popularity: checkpoint.popularity,
        foldIn: checkpoint.hyper,
        training: checkpoint.training,
        popularityPrior: checkpoint.popularityPrior,
        modelVersion: checkpoint.modelVersion,
        lineageId: checkpoint.lineageId,
        clusters: parseNumberOption('clusters', flags.clusters, { min: 1, integer: true }),
      });
      const manifest = await writeModelDirectory(model, flags.out);
      if (!flags.quiet) printModelSummary(manifest, flags.out);
    });
}
