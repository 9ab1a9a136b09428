import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { OndeckError } from '../../../models/errors/OndeckError';
import { publicKeyOf } from '../../../models/node/sync/manifestSigning';
import { publishRoot } from '../../../models/node/sync/publishRoot';
import { refuseSigningKeyInPublishDirectory } from '../../../models/node/sync/refuseSigningKeyInPublishDirectory';
import { ROOT_DIRECTORY } from '../../../models/sync/SyncRoot';
import { parseNumberOption } from '../parseOptionValues';

interface RootFlags {
  out: string;
  signKey: string[];
  rootKey: string[];
  rootThreshold: string;
  manifestKey: string[];
  manifestThreshold: string;
  quiet?: boolean;
}

/** `ondeck root`: the publish directory's next root document (which keys sign manifests, which sign roots). */
export function registerRootCommand(program: Command): void {
  program
    .command('root')
    .description(
      `write the publish directory's next root document (${ROOT_DIRECTORY}/N.json): the keys that sign manifests and the offline keys that sign the next root; see docs/sync.md, Keys`,
    )
    .requiredOption('--out <dir>', 'publish directory')
    .requiredOption('--sign-key <file...>', 'private key PEMs that sign this root: enough of its own root keys, and for a rotation enough of the current root keys too')
    .requiredOption('--root-key <file...>', 'public keys of the root role (ondeck-public-key.txt, or a private PEM whose public half is taken)')
    .requiredOption('--root-threshold <n>', 'how many root keys must sign the next root')
    .requiredOption('--manifest-key <file...>', 'public keys that sign manifests from now on (as --root-key)')
    .requiredOption('--manifest-threshold <n>', 'how many manifest keys must sign each manifest')
    .option('--quiet', 'no summary on stderr')
    .action(async (flags: RootFlags) => {
      const signingKeyPems: string[] = [];
      for (const file of flags.signKey) {
        await refuseSigningKeyInPublishDirectory(flags.out, file);
        signingKeyPems.push(await readText(file));
      }
      const rootKeys = await Promise.all(flags.rootKey.map(publicKeyFromFile));
      const manifestKeys = await Promise.all(flags.manifestKey.map(publicKeyFromFile));
      const root = await publishRoot({
        outDirectory: flags.out,
        signingKeyPems,
        rootKeys,
        rootThreshold: parseNumberOption('root-threshold', flags.rootThreshold, { min: 1, integer: true })!,
        manifestKeys,
        manifestThreshold: parseNumberOption('manifest-threshold', flags.manifestThreshold, { min: 1, integer: true })!,
      });
      process.stdout.write(`${JSON.stringify({ version: root.version, directoryId: root.directoryId, file: `${ROOT_DIRECTORY}/${root.version}.json` })}\n`);
      if (!flags.quiet) {
        process.stderr.write(
          `root v${root.version} of directory ${root.directoryId}: manifests need ${root.manifest.threshold} of ${root.manifest.keyIds.length} key(s), the next root ${root.root.threshold} of ${root.root.keyIds.length} → ${flags.out}/${ROOT_DIRECTORY}/${root.version}.json\n`,
        );
      }
    });
}

/** A public key from a file: base64 text (ondeck-public-key.txt), or a private PEM's public half. */
async function publicKeyFromFile(path: string): Promise<string> {
  const text = (await readText(path)).trim();
  return text.startsWith('-----BEGIN') ? publicKeyOf(text).publicKeyBase64 : text;
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    throw new OndeckError('file-not-found', { path });
  }
}
