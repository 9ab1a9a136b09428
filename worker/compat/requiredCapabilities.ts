/**
 * What ondeck cannot run without, on the page and in its worker. Everything here is in the
 * support floor (Chromium 56: Tizen 4) and in WPE WebKit 2.38; everything newer that ondeck uses
 * is behind a capability check with a fallback (the static check of the bundles proves it:
 * scripts/checkBrowserApiFloor.mjs). An engine that lacks one of these gets an
 * `unsupported-engine` error naming it, instead of an uncaught TypeError somewhere later.
 */

/** The page: the SDK starts a worker and talks to it with comlink (MessageChannel, Proxy). */
export const PAGE_CAPABILITIES: readonly string[] = Object.freeze(['Promise', 'Worker', 'MessageChannel', 'Proxy', 'WeakMap', 'URL']);

/**
 * The engine's worker: comlink (MessageChannel, Proxy, WeakMap), model download (fetch,
 * TextDecoder), typed arrays for the factor table, TextEncoder for hashes and the catalog.
 */
export const WORKER_CAPABILITIES: readonly string[] = Object.freeze([
  'Promise',
  'MessageChannel',
  'Proxy',
  'WeakMap',
  'URL',
  'fetch',
  'TextDecoder',
  'TextEncoder',
  'DataView',
  'Int8Array',
  'Uint8Array',
  'Int32Array',
  'Float32Array',
  'Float64Array',
]);

/**
 * The names in `required` that `realm` (a window or worker global scope) does not define.
 *
 * @example
 * ```ts
 * findMissingCapabilities(WORKER_CAPABILITIES); // [] on every supported engine
 * findMissingCapabilities(['fetch', 'TextDecoder'], { fetch() {} }); // ['TextDecoder']
 * ```
 */
export function findMissingCapabilities(required: readonly string[], realm: unknown = globalThis): string[] {
  const scope = realm as Record<string, unknown>;
  return required.filter((name) => typeof scope[name] !== 'function' && (typeof scope[name] !== 'object' || scope[name] === null));
}

/** The message the worker posts to the page, before it stops, when it lacks a capability. */
export interface UnsupportedEngineMessage {
  readonly ondeckUnsupportedEngine: { readonly missing: readonly string[] };
}

/** True when `data` is an {@link UnsupportedEngineMessage}. */
export function isUnsupportedEngineMessage(data: unknown): data is UnsupportedEngineMessage {
  const body = (data as Partial<UnsupportedEngineMessage> | null)?.ondeckUnsupportedEngine;
  return typeof body === 'object' && body !== null && Array.isArray(body.missing);
}
