import { OndeckError } from '../errors/OndeckError';

/**
 * The `signature-invalid` error for a manifest signed by a key that is not trusted, worded the
 * same wherever it is checked (the device's sync, and `ondeck publish` / `--rollback` reading a
 * directory another key signed).
 *
 * @example
 * ```ts
 * if (!trusted.includes(keyId)) throw unknownSigningKeyError([keyId], trusted);
 * ```
 */
export function unknownSigningKeyError(signedBy: readonly string[], trusted: readonly string[]): OndeckError {
  const signers = signedBy.length === 1 ? `signed by key ${signedBy[0]}` : `signed by keys ${signedBy.join(', ')}`;
  const trust = trusted.length === 1 ? `the trusted key is ${trusted[0]}` : `the trusted keys are ${trusted.join(', ')}`;
  return new OndeckError('signature-invalid', { reason: `${signers}; ${trust}` });
}
