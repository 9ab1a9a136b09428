import type { Command } from 'commander';
import { importFactors, type ImportFormat } from '../../../models/node/importers/importFactors';
import { loadItemsCsv } from '../../../models/node/data/loadItemsCsv';
import { packageModel } from '../../../models/node/artifact/packageModel';
import { writeModelDirectory } from '../../../models/node/artifact/modelDirectory';
import type { ItemMetadata } from '../../../models/data/ItemMetadata';
import { parseNumberOption } from '../parseOptionValues';
import { printModelSummary } from '../printModelSummary';

interface ImportFlags {
  factors: string;
  ids?: string;
  format?: string;
  items?: string;
  out: string;
  alpha?: string;
  unobservedWeight?: string;
  regularization?: string;
  regularizationExponent?: string;
  clusters?: string;
  quiet?: boolean;
}

/**
 * `ondeck import`: item factors trained elsewhere (Spark MLlib ALS Parquet, implicit's .npy)
 * → the same device model `ondeck export` writes. The fold-in hyperparameters must describe the
 * trainer's objective; the defaults are Hu et al.'s (what Spark and implicit optimise).
 */
export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description('package item factors trained elsewhere (Spark ALS Parquet, numpy .npy) as an ondeck model')
    .requiredOption('--factors <path>', 'Spark itemFactors Parquet directory/file, or a .npy file')
    .requiredOption('--out <dir>', 'model directory to write')
    .option('--ids <file>', 'item ids for .npy rows (one per line, JSON array, or CSV)')
    .option('--format <name>', 'spark-parquet or numpy (default: detected)')
    .option('--items <file>', 'items.csv with titles, genres, maturity ratings, years, availability')
    .option('--alpha <x>', 'confidence slope of the trainer (Spark alpha, implicit alpha) (default 1)')
    .option('--unobserved-weight <x>', 'weight of unobserved pairs (default 1: Spark and implicit)')
    .option('--regularization <x>', "the trainer's λ (default 0.01)")
    .option('--regularization-exponent <x>', 'λ scaling exponent: 0 = constant λ (implicit), 1 = scaled (default 0)')
    .option('--clusters <k>', 'taste clusters (default 12)')
    .option('--quiet', 'no summary output')
    .action(async (flags: ImportFlags) => {
      const imported = await importFactors({ path: flags.factors, ids: flags.ids, format: flags.format as ImportFormat | undefined });
      const items: Map<string, ItemMetadata> = flags.items ? await loadItemsCsv(flags.items) : new Map();
      const model = packageModel({
        itemIds: imported.itemIds,
        itemFactors: imported.factors,
        dims: imported.dims,
        items,
        // Imported factors carry no interaction counts; every title already has factors.
        popularity: new Int32Array(imported.itemIds.length),
        coldStart: false,
        foldIn: {
          alpha: parseNumberOption('alpha', flags.alpha, { min: 0 }) ?? 1,
          unobservedWeight: parseNumberOption('unobserved-weight', flags.unobservedWeight, { min: 0 }) ?? 1,
          regularization: parseNumberOption('regularization', flags.regularization, { min: 0 }) ?? 0.01,
          regularizationExponent: parseNumberOption('regularization-exponent', flags.regularizationExponent, { min: 0 }) ?? 0,
        },
        training: { algorithm: 'imported', source: `${imported.source}:${flags.factors}` },
        clusters: parseNumberOption('clusters', flags.clusters, { min: 1, integer: true }),
      });
      const manifest = await writeModelDirectory(model, flags.out);
      if (!flags.quiet) printModelSummary(manifest, flags.out);
    });
}
