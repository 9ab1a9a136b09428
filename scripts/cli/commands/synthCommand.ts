import type { Command } from 'commander';
import { generateSyntheticDataset, SYNTHETIC_DEFAULTS } from '../../../models/data/synth';
import { DATASET_FILES, writeSyntheticDataset } from '../../../models/node/data/writeSyntheticDataset';
import { refuseForeignDirectory } from '../../../models/node/artifact/refuseForeignDirectory';
import { parseNumberOption } from '../parseOptionValues';

interface SynthFlags {
  out: string;
  items?: string;
  users?: string;
  eventsPerUser?: string;
  events?: string;
  clusters?: string;
  seed?: string;
  drift?: string;
  quiet?: boolean;
}

/** `ondeck synth`: the built-in seeded TV catalog with viewers of planted tastes. */
export function registerSynthCommand(program: Command): void {
  program
    .command('synth')
    .description('generate a synthetic TV catalog and timed viewing events whose taste drifts (events.csv + items.csv)')
    .requiredOption('--out <dir>', 'directory to write (replaced atomically)')
    .option('--items <n>', `catalog size (default ${SYNTHETIC_DEFAULTS.items})`)
    .option('--users <n>', `viewers (default ${SYNTHETIC_DEFAULTS.users})`)
    .option('--events-per-user <n>', `mean events per viewer (default ${SYNTHETIC_DEFAULTS.eventsPerUser})`)
    .option('--events <n>', 'total events (overrides --events-per-user)')
    .option('--clusters <n>', `planted taste clusters (default ${SYNTHETIC_DEFAULTS.clusters})`)
    .option('--seed <n>', `seed (default ${SYNTHETIC_DEFAULTS.seed})`)
    .option('--drift <x>', `taste drift over time, 0 (none) to 1 (a viewer's clusters one after another) (default ${SYNTHETIC_DEFAULTS.drift})`)
    .option('--quiet', 'no summary output')
    .action(async (flags: SynthFlags) => {
      // Checked again by the writer; first, so a wrong --out fails before a large catalog is generated.
      await refuseForeignDirectory(flags.out, DATASET_FILES);
      const started = performance.now();
      const dataset = generateSyntheticDataset({
        items: parseNumberOption('items', flags.items, { min: 1, max: 10_000_000, integer: true }),
        users: parseNumberOption('users', flags.users, { min: 1, max: 100_000_000, integer: true }),
        eventsPerUser: parseNumberOption('events-per-user', flags.eventsPerUser, { min: 1 }),
        totalEvents: parseNumberOption('events', flags.events, { min: 1, max: 1e9, integer: true }),
        clusters: parseNumberOption('clusters', flags.clusters, { min: 1, max: 1000, integer: true }),
        seed: parseNumberOption('seed', flags.seed, { integer: true }),
        drift: parseNumberOption('drift', flags.drift, { min: 0, max: 1 }),
      });
      await writeSyntheticDataset(dataset, flags.out);
      if (!flags.quiet) {
        const m = dataset.interactions;
        process.stderr.write(
          `synthetic catalog: ${m.itemIds.length} titles, ${m.userIds.length} viewers, ${m.indices.length} interactions ` +
            `in ${((performance.now() - started) / 1000).toFixed(1)} s → ${flags.out}\n`,
        );
      }
    });
}
