import { OndeckError } from '../errors/OndeckError';

/**
 * The `signature-invalid` error for a manifest signed by a key that is not trusted, worded the
 * same wherever it is checked (the device's sync, and `ondeck publish` / `--rollback` reading a
 * directory another key signed).
 *
 * @example
 * ```ts
 * if (envelope.keyId !== trustedKeyId) throw unknownSigningKeyError(envelope.keyId, [trustedKeyId]);
 * ```
 */
export function unknownSigningKeyError(signedBy: string, trusted: readonly string[]): OndeckError {
  const trust = trusted.length === 1 ? `the trusted key is ${trusted[0]}` : `the trusted keys are ${trusted.join(', ')}`;
  return new OndeckError('signature-invalid', { reason: `signed by key ${signedBy}; ${trust}` });
}
