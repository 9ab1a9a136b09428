import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { OndeckError } from '../../../models/errors/OndeckError';
import { generateSigningKeyPair } from '../../../models/node/sync/manifestSigning';
import { pathExists } from '../../../models/node/sync/pathExists';
import { SIGNING_KEY_FILES } from '../../../models/node/sync/signingKeyFiles';

interface KeygenFlags {
  out: string;
  force?: boolean;
}

/** `ondeck keygen`: an Ed25519 key pair for signing sync manifests. */
export function registerKeygenCommand(program: Command): void {
  program
    .command('keygen')
    .description('create the Ed25519 key pair that signs sync manifests (private key PEM, public key base64 for devices)')
    .requiredOption('--out <dir>', 'directory for ondeck-signing-key.pem (mode 0600) and ondeck-public-key.txt')
    .option('--force', 'replace an existing key pair (devices configured with the old public key stop accepting updates)')
    .action(async (flags: KeygenFlags) => {
      const privatePath = join(flags.out, SIGNING_KEY_FILES.privateKey);
      if (!flags.force && (await pathExists(privatePath))) {
        throw new OndeckError('invalid-argument', { name: '--out', reason: `${privatePath} exists; pass --force to replace it` });
      }
      const keys = generateSigningKeyPair();
      await mkdir(flags.out, { recursive: true });
      // 0600 from the start (and again if the file existed): the private key signs what devices install.
      await writeFile(privatePath, keys.privateKeyPem, { mode: 0o600 });
      await chmod(privatePath, 0o600);
      await writeFile(join(flags.out, SIGNING_KEY_FILES.publicKey), `${keys.publicKeyBase64}\n`);
      process.stdout.write(`${JSON.stringify({ publicKey: keys.publicKeyBase64, keyId: keys.keyId, privateKeyFile: privatePath })}\n`);
    });
}
