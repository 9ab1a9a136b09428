import { describe, expect, it } from 'vitest';
import { OndeckError } from '../../../models/errors/OndeckError';
import { SyncScheduler, type SchedulerEnvironment } from '../../../worker/sync/SyncScheduler';

/** A hand-driven clock, timer queue, network state and random source. */
function fakeEnvironment(randomValues: number[] = []) {
  let now = 1_000_000;
  let online = true;
  let nextHandle = 1;
  const timers = new Map<number, { at: number; callback: () => void }>();
  const onlineListeners = new Set<() => void>();
  const environment: SchedulerEnvironment = {
    now: () => now,
    setTimer(callback, delayMs) {
      const handle = nextHandle++;
      timers.set(handle, { at: now + delayMs, callback });
      return handle;
    },
    clearTimer(handle) {
      timers.delete(handle as number);
    },
    random: () => (randomValues.length > 0 ? randomValues.shift()! : 0.5),
    isOnline: () => online,
    onOnline(callback) {
      onlineListeners.add(callback);
      return () => onlineListeners.delete(callback);
    },
  };
  return {
    environment,
    /** Delays (from now) of the pending timers. */
    pending: () => Array.from(timers.values()).map((timer) => timer.at - now),
    /** Moves the clock to the next timer and fires it. */
    async fireNext() {
      const [handle, timer] = Array.from(timers.entries()).sort((a, b) => a[1].at - b[1].at)[0];
      timers.delete(handle);
      now = timer.at;
      timer.callback();
      // Let the attempt's promise chain settle.
      for (let i = 0; i < 10; i++) await Promise.resolve();
    },
    setOnline(value: boolean) {
      online = value;
      if (value) onlineListeners.forEach((listener) => listener());
    },
    setOnlineSilently(value: boolean) {
      online = value;
    },
    listenerCount: () => onlineListeners.size,
  };
}

const HOUR = 3_600_000;

describe('SyncScheduler', () => {
  it('polls every interval with ±20 % jitter after successes', async () => {
    const clock = fakeEnvironment([0, 0.999999]);
    let attempts = 0;
    const scheduler = new SyncScheduler(async () => void attempts++, { intervalMs: HOUR, retryBaseMs: 60_000 }, clock.environment);
    scheduler.start(5_000);
    expect(clock.pending()).toEqual([5_000]);
    await clock.fireNext();
    expect(attempts).toBe(1);
    // random 0 → the low end of the jitter band.
    expect(clock.pending()).toEqual([0.8 * HOUR]);
    await clock.fireNext();
    expect(attempts).toBe(2);
    expect(clock.pending()[0]).toBeCloseTo(1.2 * HOUR, -1);
    scheduler.stop();
    expect(clock.pending()).toEqual([]);
  });

  it('backs off exponentially on failures (equal jitter, capped at the interval) and resets on success', async () => {
    const clock = fakeEnvironment(new Array(20).fill(1 - 1e-12));
    let fail = true;
    const scheduler = new SyncScheduler(
      async () => {
        if (fail) throw new OndeckError('network-failed', { url: 'x', reason: 'HTTP 500', status: 500 });
      },
      { intervalMs: 8 * 60_000, retryBaseMs: 60_000 },
      clock.environment,
    );
    scheduler.start(0);
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      await clock.fireNext();
      delays.push(Math.round(clock.pending()[0]));
    }
    // random → 1: delays at the top of [d/2, d], d = 1, 2, 4, 8, 8 minutes.
    expect(delays).toEqual([60_000, 120_000, 240_000, 480_000, 480_000]);
    expect(scheduler.state().failures).toBe(5);
    fail = false;
    await clock.fireNext();
    expect(scheduler.state().failures).toBe(0);
  });

  it('never retries sooner than Retry-After', async () => {
    const clock = fakeEnvironment([0, 0]);
    const scheduler = new SyncScheduler(
      async () => {
        throw new OndeckError('network-failed', { url: 'x', reason: 'HTTP 503', status: 503, retryAfterMs: 30 * 60_000 });
      },
      { intervalMs: HOUR, retryBaseMs: 60_000 },
      clock.environment,
    );
    scheduler.start(0);
    await clock.fireNext();
    expect(clock.pending()).toEqual([30 * 60_000]);
  });

  it('makes no attempt while offline and tries soon after the online event', async () => {
    const clock = fakeEnvironment([0.5, 0.5]);
    let attempts = 0;
    const scheduler = new SyncScheduler(async () => void attempts++, { intervalMs: HOUR, retryBaseMs: 60_000 }, clock.environment);
    clock.setOnline(false);
    scheduler.start(1_000);
    await clock.fireNext();
    expect(attempts).toBe(0);
    // Only a local re-check of navigator.onLine is pending, no attempt.
    expect(clock.pending()).toEqual([30_000]);
    expect(scheduler.state()).toMatchObject({ waitingForNetwork: true });
    expect(scheduler.state().nextAttemptAt).toBeUndefined();
    await clock.fireNext();
    expect(attempts).toBe(0);
    expect(clock.listenerCount()).toBe(1);
    clock.setOnline(true);
    expect(clock.listenerCount()).toBe(0);
    // Spread over at most 5 s (random 0.5 → 2.5 s).
    expect(clock.pending()).toEqual([2_500]);
    await clock.fireNext();
    expect(attempts).toBe(1);
  });

  it('notices the network is back by re-checking when no online event comes', async () => {
    const clock = fakeEnvironment([0.5]);
    let attempts = 0;
    const scheduler = new SyncScheduler(async () => void attempts++, { intervalMs: HOUR, retryBaseMs: 5_000 }, clock.environment);
    clock.setOnline(false);
    scheduler.start(0);
    await clock.fireNext();
    expect(clock.pending()).toEqual([5_000]);
    // navigator.onLine turns true, but the event is never delivered.
    clock.setOnlineSilently(true);
    await clock.fireNext();
    expect(attempts).toBe(0);
    expect(clock.pending()).toEqual([2_500]);
    await clock.fireNext();
    expect(attempts).toBe(1);
    expect(scheduler.state().waitingForNetwork).toBe(false);
  });

  it('syncNow runs at once, joins a running attempt and reschedules from its outcome', async () => {
    const clock = fakeEnvironment();
    let release!: () => void;
    let attempts = 0;
    const scheduler = new SyncScheduler(
      () => {
        attempts++;
        return new Promise<void>((resolve) => (release = resolve));
      },
      { intervalMs: HOUR, retryBaseMs: 60_000 },
      clock.environment,
    );
    scheduler.start(HOUR);
    const first = scheduler.syncNow();
    const second = scheduler.syncNow();
    for (let i = 0; i < 3; i++) await Promise.resolve();
    expect(attempts).toBe(1);
    expect(scheduler.state().running).toBe(true);
    // The forced attempt cancelled the pending timer.
    expect(clock.pending()).toEqual([]);
    release();
    await Promise.all([first, second]);
    expect(clock.pending()).toEqual([HOUR]);
  });

  it('a forced attempt reports its failure to the caller', async () => {
    const clock = fakeEnvironment();
    const scheduler = new SyncScheduler(
      async () => {
        throw new OndeckError('signature-invalid', { reason: 'forged' });
      },
      { intervalMs: HOUR, retryBaseMs: 60_000 },
      clock.environment,
    );
    await expect(scheduler.syncNow()).rejects.toMatchObject({ code: 'signature-invalid' });
    expect(scheduler.state().failures).toBe(1);
  });
});
