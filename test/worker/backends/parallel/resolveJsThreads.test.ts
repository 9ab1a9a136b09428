import { describe, expect, it } from 'vitest';
import { MAX_AUTO_JS_THREADS, resolveJsThreads } from '../../../../worker/backends/parallel/resolveJsThreads';

describe('resolveJsThreads', () => {
  it("'auto' (the default) takes min(2, cores) where workers can start workers", () => {
    expect(MAX_AUTO_JS_THREADS).toBe(2);
    expect(resolveJsThreads('auto', { hardwareConcurrency: 4, nestedWorkers: true })).toEqual({ threads: 2, reason: '2 threads (4 cores)' });
    expect(resolveJsThreads(undefined, { hardwareConcurrency: 2, nestedWorkers: true })).toEqual({ threads: 2, reason: '2 threads (2 cores)' });
    expect(resolveJsThreads('auto', { hardwareConcurrency: 1, nestedWorkers: true })).toEqual({ threads: 1, reason: '1 thread (one core)' });
    // An engine that hides its core count gets one thread, not a guess.
    expect(resolveJsThreads('auto', { nestedWorkers: true }).threads).toBe(1);
    expect(resolveJsThreads('auto', { hardwareConcurrency: 0, nestedWorkers: true }).threads).toBe(1);
  });

  it('gives one thread, and says why, where a worker cannot start a worker', () => {
    for (const option of ['auto', undefined, 3] as const) {
      const resolved = resolveJsThreads(option, { hardwareConcurrency: 8, nestedWorkers: false });
      expect(resolved.threads).toBe(1);
      expect(resolved.reason).toContain('cannot start a worker from a worker');
    }
  });

  it('honours an explicit count, beyond the core count too', () => {
    expect(resolveJsThreads(1, { hardwareConcurrency: 8, nestedWorkers: true })).toEqual({ threads: 1, reason: '1 thread (asked for)' });
    expect(resolveJsThreads(1, { hardwareConcurrency: 8, nestedWorkers: false })).toEqual({ threads: 1, reason: '1 thread (asked for)' });
    expect(resolveJsThreads(3, { hardwareConcurrency: 2, nestedWorkers: true })).toEqual({ threads: 3, reason: '3 threads (asked for)' });
    expect(resolveJsThreads(16, { nestedWorkers: true }).threads).toBe(16);
  });

  it('with page-started helpers where workers cannot start workers: auto stays on 1 thread and says how to ask', () => {
    // They measured slower than one thread in WPE WebKit 2.38, so only an explicit count starts them.
    for (const option of ['auto', undefined] as const) {
      const auto = resolveJsThreads(option, { hardwareConcurrency: 4, nestedWorkers: false, pageHelpers: true });
      expect(auto).toEqual({ threads: 1, reason: '1 thread (workers here cannot start workers; threads: 2 has the page start a helper)' });
    }
    const asked = resolveJsThreads(2, { hardwareConcurrency: 4, nestedWorkers: false, pageHelpers: true });
    expect(asked.threads).toBe(2);
    expect(asked.reason).toContain('helpers started by the page');
    // pageHelpers: false is the same as absent.
    expect(resolveJsThreads(2, { hardwareConcurrency: 4, nestedWorkers: false, pageHelpers: false }).reason).toContain('cannot start a worker from a worker');
  });

  it('with page-started helpers: an explicit count is honoured, 1 stays 1', () => {
    const three = resolveJsThreads(3, { hardwareConcurrency: 2, nestedWorkers: false, pageHelpers: true });
    expect(three.threads).toBe(3);
    expect(three.reason).toMatch(/^3 threads \(asked for; helpers started by the page/);
    expect(resolveJsThreads(1, { hardwareConcurrency: 8, nestedWorkers: false, pageHelpers: true })).toEqual({ threads: 1, reason: '1 thread (asked for)' });
  });

  it('prefers nested workers when both are there: no page wording', () => {
    expect(resolveJsThreads('auto', { hardwareConcurrency: 4, nestedWorkers: true, pageHelpers: true })).toEqual({ threads: 2, reason: '2 threads (4 cores)' });
    expect(resolveJsThreads(3, { hardwareConcurrency: 4, nestedWorkers: true, pageHelpers: true })).toEqual({ threads: 3, reason: '3 threads (asked for)' });
  });
});
