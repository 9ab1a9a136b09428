import { transferHandlers, type TransferHandler } from 'comlink';
import { OndeckError, type OndeckErrorCode } from '../models/errors/OndeckError';

interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly code?: OndeckErrorCode;
  readonly details?: Record<string, unknown>;
}

/** What comlink hands its `throw` handler: the thrown value, tagged with its private throw marker. */
interface ThrownValue {
  readonly value: unknown;
}

/**
 * comlink's own test for "this is a value thrown by the other side", taken from its `throw`
 * handler before it is replaced. comlink asks every handler about EVERY argument and return
 * value, and marks thrown values with a symbol it does not export, so its own test is the only
 * one that cannot mistake an app's object (an event with a `value` field, say) for a thrown
 * error. Read once per realm: registering again finds this same function on our handler.
 */
let isThrownValue: ((value: unknown) => value is ThrownValue) | undefined;

/**
 * comlink rebuilds errors thrown in the worker as plain `Error`s, dropping `code` and `details`.
 * This replaces its `throw` handler on both sides so an {@link OndeckError} arrives on the main
 * thread as an OndeckError with the same code, details, name, message and stack (other errors
 * keep their name, message and stack; a thrown non-error arrives as an `Error` with its string
 * form). Only values comlink itself marked as thrown are handled. Call it once per realm (the
 * worker entry and `createRecommender` do); calling it again is harmless.
 */
export function registerErrorTransfer(): void {
  isThrownValue ??= (transferHandlers.get('throw') as TransferHandler<ThrownValue, SerializedError>).canHandle;
  const handler: TransferHandler<ThrownValue, SerializedError> = {
    canHandle: isThrownValue,
    serialize({ value }) {
      const error: SerializedError =
        value instanceof OndeckError
          ? { name: value.name, message: value.message, stack: value.stack, code: value.code, details: safeDetails(value.details) }
          : value instanceof Error
            ? { name: value.name, message: value.message, stack: value.stack }
            : { name: 'Error', message: String(value) };
      return [error, []];
    },
    deserialize(serialized) {
      const error = serialized.code ? new OndeckError(serialized.code, serialized.details ?? {}) : new Error(serialized.message);
      // The thrower's text and stack, not ones made up here: details that did not survive
      // cloning (see safeDetails) would change a rebuilt message, and the stack of this
      // deserializer points at comlink, not at the code that failed.
      error.name = serialized.name;
      error.message = serialized.message;
      if (serialized.stack !== undefined) error.stack = serialized.stack;
      throw error;
    },
  };
  transferHandlers.set('throw', handler as TransferHandler<unknown, unknown>);
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
