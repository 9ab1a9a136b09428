import type { FromScreeningHelper, ScreeningHelperPort, ToScreeningHelper } from '../../../models/scoring/parallel/screeningHelperMessages';

/** How long the page may take to start a helper and hand its port over (a worker starts in well under a second). */
export const HANDOVER_TIMEOUT_MS = 10_000;

/**
 * A {@link ScreeningHelperPort} for a helper the page starts (engines whose workers cannot start
 * workers, such as WPE WebKit 2.38 or Chromium before 69): the engine asks the page for a helper
 * and gets its `MessagePort` a moment later. Messages posted meanwhile are kept, with their
 * transfer lists, and sent in order once {@link attach} has the port. The engine cannot terminate
 * a worker the page owns, so {@link terminate} sends `stop` (the helper closes itself, and its
 * port with it); a port attached after that is stopped at once.
 *
 * @example
 * ```ts
 * const port = new DeferredHelperPort();
 * const helper = new ScreeningHelper(port); // may post its load at once
 * askPageForHelper((messagePort) => port.attach(messagePort));
 * ```
 */
export class DeferredHelperPort implements ScreeningHelperPort {
  onmessage: ((event: { data: FromScreeningHelper }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  private port: MessagePort | undefined;
  private queued: Array<{ message: ToScreeningHelper; transfer: Transferable[] }> = [];
  private handoverTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * @param terminated true for a port that only stops whatever is attached to it.
   * @param handoverTimeoutMs how long the page may take to hand the port over; after that the
   *   port reports an error (its {@link ScreeningHelper} gives the helper up and drops the queued
   *   table copy). A page that could not start the helper never answers.
   */
  constructor(
    private terminated = false,
    handoverTimeoutMs = HANDOVER_TIMEOUT_MS,
  ) {
    if (!terminated) {
      this.handoverTimer = setTimeout(() => {
        if (!this.port && !this.terminated) this.onerror?.({ message: `the page handed no helper over within ${handoverTimeoutMs} ms` });
      }, handoverTimeoutMs);
      // In Node (tests, the CLI) a pending handover must not keep the process alive.
      (this.handoverTimer as { unref?: () => void }).unref?.();
    }
  }

  /** True once a port is attached (for status and tests). */
  get attached(): boolean {
    return this.port !== undefined;
  }

  postMessage(message: ToScreeningHelper, transfer: Transferable[]): void {
    if (this.terminated) return;
    if (this.port) this.port.postMessage(message, transfer);
    else this.queued.push({ message, transfer });
  }

  /** Connects the helper's port: queued messages go out in order, answers come back. */
  attach(port: MessagePort): void {
    if (this.terminated || this.port) {
      askToStop(port);
      return;
    }
    this.port = port;
    clearTimeout(this.handoverTimer);
    port.onmessage = (event: MessageEvent) => this.onmessage?.({ data: event.data as FromScreeningHelper });
    for (const { message, transfer } of this.queued.splice(0)) port.postMessage(message, transfer);
  }

  terminate(): void {
    if (this.terminated) return;
    this.terminated = true;
    clearTimeout(this.handoverTimer);
    this.queued = [];
    if (this.port) askToStop(this.port);
  }
}

/** Asks the helper to close itself; the port is left for it to close (closing here could drop `stop`). */
function askToStop(port: MessagePort): void {
  port.onmessage = null;
  port.postMessage({ type: 'stop' } satisfies ToScreeningHelper);
}
