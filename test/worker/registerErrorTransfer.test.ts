import { expose, wrap, type Remote } from 'comlink';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OndeckError } from '../../models/errors/OndeckError';
import { registerErrorTransfer } from '../../worker/registerErrorTransfer';

// comlink over a real MessageChannel, both ends in this realm (the handler is registered once and
// serves both, as the page and the worker each register it for their own end).
interface Echo {
  echo(value: unknown): Promise<unknown>;
  failWithOndeckError(): Promise<never>;
  failWithTypeError(): Promise<never>;
  failWithString(): Promise<never>;
}

const service = {
  echo: (value: unknown) => value,
  failWithOndeckError: function failWithOndeckError(): never {
    throw new OndeckError('malformed-event', { reason: 'planted', at: 3 });
  },
  failWithTypeError: function failWithTypeError(): never {
    throw new TypeError('planted type error');
  },
  failWithString: function failWithString(): never {
    throw 'planted string';
  },
};

const channels: MessageChannel[] = [];
function connect(): Remote<Echo> {
  const channel = new MessageChannel();
  channels.push(channel);
  expose(service, channel.port1);
  return wrap<Echo>(channel.port2);
}

/** Rejects instead of hanging when a message never gets an answer (the old handler threw in the listener). */
function answered<T>(promise: Promise<T>): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer within 2 s')), 2000))]);
}

beforeAll(() => {
  registerErrorTransfer();
  // Registering twice (the page after a worker restart, a second recommender) changes nothing.
  registerErrorTransfer();
});
afterEach(() => {
  while (channels.length > 0) {
    const channel = channels.pop()!;
    channel.port1.close();
    channel.port2.close();
  }
});

describe('registerErrorTransfer', () => {
  it('leaves arguments and results with a top-level value property alone', async () => {
    const remote = connect();
    const event = { type: 'play', itemId: 'i1', value: 1 };
    expect(await answered(remote.echo(event))).toEqual(event);
    expect(await answered(remote.echo({ value: { nested: true } }))).toEqual({ value: { nested: true } });
    expect(await answered(remote.echo({ value: undefined }))).toEqual({ value: undefined });
  });

  it("rebuilds a thrown OndeckError with its code, details, name, message and the thrower's stack", async () => {
    const remote = connect();
    const error = await answered(remote.failWithOndeckError()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OndeckError);
    const ondeckError = error as OndeckError;
    expect(ondeckError.code).toBe('malformed-event');
    expect(ondeckError.details).toEqual({ reason: 'planted', at: 3 });
    expect(ondeckError.name).toBe('OndeckError');
    expect(ondeckError.message).toBe('Malformed event: planted');
    expect(ondeckError.stack).toContain('failWithOndeckError');
  });

  it('rebuilds other thrown errors with their name, message and stack, and thrown non-errors as errors', async () => {
    const remote = connect();
    const typeError = await answered(remote.failWithTypeError()).catch((caught: unknown) => caught);
    expect(typeError).toBeInstanceOf(Error);
    expect(typeError).toMatchObject({ name: 'TypeError', message: 'planted type error' });
    expect((typeError as Error).stack).toContain('failWithTypeError');
    const thrownString = await answered(remote.failWithString()).catch((caught: unknown) => caught);
    expect(thrownString).toBeInstanceOf(Error);
    expect(thrownString).toMatchObject({ message: 'planted string' });
  });
});
