import { readdir, realpath } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';
import { OndeckError } from '../../errors/OndeckError';
import { isPrivateKeyFileName } from './signingKeyFiles';

/**
 * Refuses to publish (or roll back) into a directory that holds the signing key. Everything in a
 * publish directory is there to be served: it is uploaded to the CDN or served as is by nginx or
 * `ondeck serve`, and whoever fetches the key can sign manifests every device installs. Refused:
 * the `--key` file itself anywhere inside `publishDirectory` (symlinks resolved), and any private
 * key file ({@link isPrivateKeyFileName}) at its top level, such as a copy of the key.
 *
 * @param keyPath the private key file the publish signs with.
 * @throws OndeckError `invalid-argument` naming the key file found.
 * @example
 * ```ts
 * await refuseSigningKeyInPublishDirectory('cdn', 'keys/ondeck-signing-key.pem'); // fine
 * await refuseSigningKeyInPublishDirectory('keys', 'keys/ondeck-signing-key.pem'); // throws
 * ```
 */
export async function refuseSigningKeyInPublishDirectory(publishDirectory: string, keyPath: string): Promise<void> {
  let directory: string;
  try {
    directory = await realpath(publishDirectory);
  } catch {
    // Not created yet (a first publish): nothing is inside it.
    return;
  }
  const refuse = (what: string): never => {
    throw new OndeckError('invalid-argument', {
      name: '--out',
      reason:
        `${publishDirectory} holds ${what}; everything in a publish directory is served, and whoever fetches a signing key can sign updates every device installs. ` +
        'Keep the key outside it (e.g. keygen --out keys, publish --out cdn)',
    });
  };
  const key = await realpath(keyPath).catch(() => undefined);
  if (key !== undefined) {
    const inside = relative(directory, key);
    if (inside !== '' && !isAbsolute(inside) && inside.split(sep)[0] !== '..') refuse(`the signing key ${keyPath}`);
  }
  const entries = await readdir(directory, { withFileTypes: true }).catch(() => []);
  const keyFile = entries.find((entry) => !entry.isDirectory() && isPrivateKeyFileName(entry.name));
  if (keyFile) refuse(`the private key file ${keyFile.name}`);
}
