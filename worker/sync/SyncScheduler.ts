import { isOndeckError } from '../../models/errors/OndeckError';

/** What the scheduler needs from its surroundings; injectable so tests drive time and network. */
export interface SchedulerEnvironment {
  now(): number;
  setTimer(callback: () => void, delayMs: number): unknown;
  clearTimer(handle: unknown): void;
  /** Uniform in [0, 1). */
  random(): number;
  /** `false` only when the engine is sure it is offline (`navigator.onLine === false`). */
  isOnline(): boolean;
  /** Subscribes to the `online` event; returns the unsubscribe function. */
  onOnline(callback: () => void): () => void;
}

/** Timing of a {@link SyncScheduler}. */
export interface SyncSchedulerOptions {
  /** Pause between successful checks, before jitter; 0 disables automatic attempts. */
  readonly intervalMs: number;
  /** First retry delay after a failure; doubles per consecutive failure up to `intervalMs`. */
  readonly retryBaseMs: number;
  /** Each successful pause is spread uniformly over ±this share of `intervalMs`. @defaultValue 0.2 */
  readonly jitter?: number;
}

/** A moment in the scheduler's life, for status and tests. */
export interface SchedulerState {
  /** Consecutive failed attempts since the last success. */
  readonly failures: number;
  /** When the next automatic attempt is due (ms since the epoch), if one is scheduled. */
  readonly nextAttemptAt?: number;
  /** Waiting for the `online` event before the next attempt. */
  readonly waitingForNetwork: boolean;
  readonly running: boolean;
}

/**
 * Runs sync attempts on a schedule fit for millions of devices polling one CDN: successful checks
 * every `intervalMs` with ±20 % jitter (so boxes switched on together drift apart), failures
 * retried with exponential backoff and "equal jitter" (a delay drawn from [d/2, d], d doubling from
 * `retryBaseMs` up to `intervalMs`), never sooner than a server's `Retry-After`
 * (`details.retryAfterMs` of the `network-failed` error). No automatic attempt while the engine
 * knows it is offline: it waits for the `online` event, then spreads its attempt over a few
 * seconds. {@link syncNow} forces an attempt at once (the app asked), joins one already running,
 * and reschedules from its outcome.
 *
 * @example
 * ```ts
 * const scheduler = new SyncScheduler(() => sync.runOnce(), { intervalMs: 6 * 3600e3, retryBaseMs: 60e3 }, browserEnvironment());
 * scheduler.start(30_000);
 * await scheduler.syncNow(); // recommender.sync()
 * ```
 */
export class SyncScheduler {
  private failures = 0;
  private timer: unknown;
  private nextAttemptAt?: number;
  private running?: Promise<void>;
  private unsubscribeOnline?: () => void;
  private stopped = false;

  constructor(
    private readonly attempt: () => Promise<void>,
    private readonly options: SyncSchedulerOptions,
    private readonly environment: SchedulerEnvironment,
  ) {}

  /** Schedules the first automatic attempt `initialDelayMs` from now. */
  start(initialDelayMs: number): void {
    this.stopped = false;
    this.schedule(initialDelayMs);
  }

  /** Runs an attempt now (or joins the running one); resolves or rejects with its outcome. */
  syncNow(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return this.run();
  }

  /** Cancels every timer and listener; a running attempt finishes but schedules nothing. */
  stop(): void {
    this.stopped = true;
    this.cancelTimer();
    this.unsubscribeOnline?.();
    this.unsubscribeOnline = undefined;
  }

  state(): SchedulerState {
    return {
      failures: this.failures,
      ...(this.nextAttemptAt !== undefined ? { nextAttemptAt: this.nextAttemptAt } : {}),
      waitingForNetwork: this.unsubscribeOnline !== undefined,
      running: this.running !== undefined,
    };
  }

  private run(): Promise<void> {
    if (this.running) return this.running;
    this.cancelTimer();
    this.unsubscribeOnline?.();
    this.unsubscribeOnline = undefined;
    const running = Promise.resolve()
      .then(() => this.attempt())
      .then(
        () => {
          this.failures = 0;
          this.settle(this.successDelay());
        },
        (error: unknown) => {
          this.failures++;
          this.settle(this.failureDelay(error));
          throw error;
        },
      );
    this.running = running;
    return running;
  }

  private settle(delayMs: number): void {
    this.running = undefined;
    // An interval of 0 means "only when asked" (syncNow): no automatic attempts, no retries.
    if (!this.stopped && this.options.intervalMs > 0) this.schedule(delayMs);
  }

  private schedule(delayMs: number): void {
    this.cancelTimer();
    this.nextAttemptAt = this.environment.now() + delayMs;
    this.timer = this.environment.setTimer(() => {
      this.timer = undefined;
      this.nextAttemptAt = undefined;
      this.automaticAttempt();
    }, delayMs);
  }

  private automaticAttempt(): void {
    if (this.stopped || this.running) return;
    if (!this.environment.isOnline()) {
      // Polling the server while offline only burns the retry budget. The `online` event says
      // when to look again; a cheap re-check of navigator.onLine covers engines that do not send
      // that event to workers (Chromium does not under DevTools network emulation).
      this.unsubscribeOnline ??= this.environment.onOnline(() => this.backOnline());
      this.cancelTimer();
      this.timer = this.environment.setTimer(
        () => {
          this.timer = undefined;
          if (this.environment.isOnline()) this.backOnline();
          else this.automaticAttempt();
        },
        Math.min(30_000, Math.max(1_000, this.options.retryBaseMs)),
      );
      return;
    }
    // Automatic attempts report through the engine's error event; nothing awaits them here.
    this.run().catch(() => undefined);
  }

  private backOnline(): void {
    this.unsubscribeOnline?.();
    this.unsubscribeOnline = undefined;
    // Spread the devices of a neighbourhood that comes back online at once.
    if (!this.stopped) this.schedule(this.environment.random() * Math.min(5_000, this.options.retryBaseMs));
  }

  private successDelay(): number {
    const jitter = this.options.jitter ?? 0.2;
    return this.options.intervalMs * (1 - jitter + 2 * jitter * this.environment.random());
  }

  private failureDelay(error: unknown): number {
    const ceiling = Math.max(this.options.retryBaseMs, this.options.intervalMs);
    const backoff = Math.min(ceiling, this.options.retryBaseMs * Math.pow(2, Math.min(this.failures - 1, 30)));
    const delay = backoff / 2 + (backoff / 2) * this.environment.random();
    const retryAfterMs = isOndeckError(error) && typeof error.details.retryAfterMs === 'number' ? error.details.retryAfterMs : 0;
    // The server's word is a floor, plus up to 10 % so its clients do not all return at once.
    return Math.max(delay, retryAfterMs * (1 + 0.1 * this.environment.random()));
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.environment.clearTimer(this.timer);
    this.timer = undefined;
    this.nextAttemptAt = undefined;
  }
}
