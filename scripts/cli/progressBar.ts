import cliProgress from 'cli-progress';

/** A progress bar with ETA on an interactive terminal; plain log lines otherwise (CI, pipes). */
export interface ProgressReporter {
  update(done: number, fields?: Record<string, string>): void;
  stop(): void;
}

/**
 * Starts a progress bar for `total` steps.
 *
 * @example
 * ```ts
 * const bar = startProgress('training', epochs);
 * bar.update(epoch, { loss: loss.toFixed(4) });
 * bar.stop();
 * ```
 */
export function startProgress(label: string, total: number, quiet = false): ProgressReporter {
  if (quiet) return { update() {}, stop() {} };
  if (!process.stderr.isTTY) {
    return {
      update(done, fields = {}) {
        const extra = Object.entries(fields)
          .map(([key, value]) => ` ${key} ${value}`)
          .join('');
        process.stderr.write(`${label}: ${done}/${total}${extra}\n`);
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: `${label.padEnd(10)} [{bar}] {value}/{total} | ETA {eta_formatted} | {info}`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { info: '' });
  return {
    update(done, fields = {}) {
      bar.update(done, {
        info: Object.entries(fields)
          .map(([key, value]) => `${key} ${value}`)
          .join(' '),
      });
    },
    stop() {
      bar.stop();
    },
  };
}
