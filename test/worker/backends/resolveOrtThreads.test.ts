import { describe, expect, it } from 'vitest';
import { MAX_AUTO_ORT_THREADS, resolveOrtThreads } from '../../../worker/backends/resolveOrtThreads';
import { isOndeckError } from '../../../models/errors/OndeckError';

const isolated = (cores?: number) => ({ crossOriginIsolated: true, hardwareConcurrency: cores });

describe('resolveOrtThreads', () => {
  it("'auto' (the default) takes 2 threads on a cross-origin isolated page with 2 cores or more", () => {
    expect(MAX_AUTO_ORT_THREADS).toBe(2);
    expect(resolveOrtThreads(undefined, isolated(2))).toEqual({ threads: 2, reason: '2 threads (cross-origin isolated, 2 cores)' });
    expect(resolveOrtThreads('auto', isolated(8))).toEqual({ threads: 2, reason: '2 threads (cross-origin isolated, 8 cores)' });
    expect(resolveOrtThreads('auto', isolated(1))).toEqual({ threads: 1, reason: '1 thread (one core)' });
    // An engine that hides its core count gets one thread, not a guess.
    expect(resolveOrtThreads('auto', isolated(undefined)).threads).toBe(1);
    expect(resolveOrtThreads('auto', isolated(0)).threads).toBe(1);
  });

  it('gives one thread wherever the page is not cross-origin isolated, whatever was asked', () => {
    for (const environment of [{ crossOriginIsolated: false, hardwareConcurrency: 8 }, { hardwareConcurrency: 8 }]) {
      expect(resolveOrtThreads('auto', environment)).toEqual({ threads: 1, reason: '1 thread (the page is not cross-origin isolated)' });
      expect(resolveOrtThreads(6, environment).threads).toBe(1);
    }
  });

  it('honours an explicit count where threads can run, beyond the core count too', () => {
    expect(resolveOrtThreads(1, isolated(8))).toEqual({ threads: 1, reason: '1 thread (asked for)' });
    expect(resolveOrtThreads(6, isolated(2))).toEqual({ threads: 6, reason: '6 threads (asked for)' });
    expect(resolveOrtThreads(16, isolated(2)).threads).toBe(16);
  });

  it('refuses anything but auto or an integer from 1 to 16 with invalid-argument', () => {
    for (const bad of [0, -1, 1.5, 17, Number.NaN, Infinity, '2', 'all', true]) {
      let caught: unknown;
      try {
        resolveOrtThreads(bad as never, isolated(2));
      } catch (error) {
        caught = error;
      }
      expect(isOndeckError(caught) && caught.code).toBe('invalid-argument');
    }
  });
});
