/**
 * The `ondeck` command line: the cloud half of ondeck (synth, train, tune, eval, export,
 * import, recommend, and keygen / publish / serve for sync). Bundled to dist/cli.js and exposed as the package's `bin`.
 */
import { Command } from 'commander';
import { registerSynthCommand } from './commands/synthCommand';
import { registerTrainCommand } from './commands/trainCommand';
import { registerTuneCommand } from './commands/tuneCommand';
import { registerEvalCommand } from './commands/evalCommand';
import { registerExportCommand } from './commands/exportCommand';
import { registerImportCommand } from './commands/importCommand';
import { registerRecommendCommand } from './commands/recommendCommand';
import { registerKeygenCommand } from './commands/keygenCommand';
import { registerPublishCommand } from './commands/publishCommand';
import { registerRootCommand } from './commands/rootCommand';
import { registerServeCommand } from './commands/serveCommand';
import { reportFailure } from './reportFailure';

const program = new Command().name('ondeck').description('on-device recommendations for TV apps: train, evaluate and package models').showHelpAfterError().exitOverride();

registerSynthCommand(program);
registerTrainCommand(program);
registerTuneCommand(program);
registerEvalCommand(program);
registerExportCommand(program);
registerImportCommand(program);
registerRecommendCommand(program);
registerKeygenCommand(program);
registerPublishCommand(program);
registerRootCommand(program);
registerServeCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // commander has already printed its own usage errors (and --help / --version are exit 0).
  const commanderExit = (error as { code?: string; exitCode?: number }).code?.startsWith('commander.');
  process.exitCode = commanderExit ? ((error as { exitCode?: number }).exitCode ?? 1) : reportFailure(error);
}
