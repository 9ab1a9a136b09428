import { createRequire } from 'node:module';
import type { CompatData, Identifier } from '@mdn/browser-compat-data';
import { describe, expect, it } from 'vitest';
import { findMissingCapabilities, isUnsupportedEngineMessage, PAGE_CAPABILITIES, WORKER_CAPABILITIES } from '../../worker/compat/requiredCapabilities';
import { chromiumVersionAdded } from './support/buildFloorShim';
import { SUPPORT_FLOOR_CHROMIUM } from './support/supportFloor';

const bcd = createRequire(import.meta.url)('@mdn/browser-compat-data') as CompatData;

/** Where MDN's compat data keeps a global: a JavaScript built-in or a web API interface. */
function compatOf(name: string): Identifier | undefined {
  return (bcd.javascript.builtins as Record<string, Identifier>)[name] ?? (bcd.api as Record<string, Identifier>)[name];
}

describe('what ondeck cannot run without', () => {
  it.each([...new Set([...PAGE_CAPABILITIES, ...WORKER_CAPABILITIES])])('%s is in the support floor (MDN compat data)', (name) => {
    const added = chromiumVersionAdded(compatOf(name)?.__compat);
    expect(typeof added === 'number' && added <= SUPPORT_FLOOR_CHROMIUM, `${name}: Chromium ${String(added)}`).toBe(true);
  });

  it('names exactly the missing ones, whatever their kind', () => {
    const realm = { Promise, fetch: () => undefined, TextDecoder: null, DataView: 'not a constructor' };
    expect(findMissingCapabilities(['Promise', 'fetch', 'TextDecoder', 'DataView', 'Proxy'], realm)).toEqual(['TextDecoder', 'DataView', 'Proxy']);
    expect(findMissingCapabilities(WORKER_CAPABILITIES)).toEqual([]);
  });

  it('recognises only its own report among worker messages', () => {
    expect(isUnsupportedEngineMessage({ ondeckUnsupportedEngine: { missing: ['fetch'] } })).toBe(true);
    expect(isUnsupportedEngineMessage({ ondeckUnsupportedEngine: { missing: 'fetch' } })).toBe(false);
    expect(isUnsupportedEngineMessage({ id: 'comlink', type: 'RETURN' })).toBe(false);
    expect(isUnsupportedEngineMessage(null)).toBe(false);
  });
});
