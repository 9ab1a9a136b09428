import { transferHandlers } from 'comlink';
import { OndeckError, type OndeckErrorCode } from '../models/errors/OndeckError';

interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly code?: OndeckErrorCode;
  readonly details?: Record<string, unknown>;
}

/**
 * comlink rebuilds errors thrown in the worker as plain `Error`s, dropping `code` and `details`.
 * This replaces its `throw` handler on both sides so an {@link OndeckError} arrives on the main
 * thread as an OndeckError with the same code, details and message. Call it once per realm
 * (the worker entry and `createRecommender` do).
 */
export function registerErrorTransfer(): void {
  transferHandlers.set('throw', {
    canHandle: (value: unknown): value is { value: unknown } => typeof value === 'object' && value !== null && 'value' in value,
    serialize({ value }: { value: unknown }) {
      const error: SerializedError =
        value instanceof OndeckError
          ? { name: value.name, message: value.message, code: value.code, details: safeDetails(value.details) }
          : value instanceof Error
            ? { name: value.name, message: value.message }
            : { name: 'Error', message: String(value) };
      return [error, []];
    },
    deserialize(serialized: SerializedError) {
      if (serialized.code) throw new OndeckError(serialized.code, serialized.details ?? {});
      const error = new Error(serialized.message);
      error.name = serialized.name;
      throw error;
    },
  } as never);
}

/** Details that survive structured cloning (anything else becomes its string form). */
function safeDetails(details: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(details)) {
    const value = details[key];
    out[key] = value === null || ['string', 'number', 'boolean', 'undefined'].includes(typeof value) ? value : String(value);
  }
  return out;
}
