import { OndeckError } from '../../models/errors/OndeckError';

/**
 * The CLI's one error boundary: an {@link OndeckError} prints its message and code, anything
 * else prints its message; neither prints a stack trace unless ONDECK_DEBUG=1. Exit code 1 for
 * bad input, 2 for an unexpected internal failure.
 */
export function reportFailure(error: unknown): number {
  const debug = process.env.ONDECK_DEBUG === '1';
  if (error instanceof OndeckError) {
    process.stderr.write(`ondeck: ${error.message} [${error.code}]\n`);
    if (debug) process.stderr.write(`${error.stack ?? ''}\n`);
    return 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`ondeck: unexpected failure: ${message}\n`);
  if (debug) process.stderr.write(`${error instanceof Error ? (error.stack ?? '') : ''}\n`);
  else process.stderr.write('ondeck: rerun with ONDECK_DEBUG=1 for details\n');
  return 2;
}
