/** File names `ondeck keygen` writes (docs/sync.md): the private key stays with the training job. */
export const SIGNING_KEY_FILES = Object.freeze({ privateKey: 'ondeck-signing-key.pem', publicKey: 'ondeck-public-key.txt' });

/**
 * Names taken for private key files: keygen's `ondeck-signing-key.pem` and any other `*.pem` or
 * `*.key` (the usual names of PEM keys and certificates), also precompressed (`.gz`, `.br`).
 * Nothing ondeck publishes is named like this, so a server may refuse all of them.
 */
const PRIVATE_KEY_NAME = /\.(?:pem|key)(?:\.(?:gz|br))?$/i;

/**
 * True when a file called `name` (a base name, not a path) must be taken for a private key and
 * never be published or served.
 *
 * @example
 * ```ts
 * isPrivateKeyFileName('ondeck-signing-key.pem'); // true
 * isPrivateKeyFileName('manifest.json'); // false
 * ```
 */
export function isPrivateKeyFileName(name: string): boolean {
  return name === SIGNING_KEY_FILES.privateKey || PRIVATE_KEY_NAME.test(name);
}
