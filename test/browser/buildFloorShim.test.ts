import { parse } from 'acorn';
import { runInContext, createContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  buildFloorShimSource,
  chromiumVersionAdded,
  listApisAddedAfter,
  shimDependencies,
  type FloorApiEntry,
  type FloorShimRecord,
  type ListApisOptions,
} from './support/buildFloorShim';

const floor56 = listApisAddedAfter(56);
const byLabel = new Map<string, FloorApiEntry>(floor56.entries.map((entry) => [entry.label, entry]));

/** A tiny BCD-shaped tree: `chrome` support per path, for the edge cases real data lacks. */
function fakeData(support: Record<string, unknown>): NonNullable<ListApisOptions['data']> {
  const root: Record<string, Record<string, unknown>> = { api: {}, javascript: { builtins: {} }, webassembly: {} };
  for (const [path, chrome] of Object.entries(support)) {
    let node: Record<string, unknown> = root;
    for (const key of path.split('.')) node = (node[key] ??= {}) as Record<string, unknown>;
    node.__compat = { support: { chrome } };
  }
  return root as unknown as NonNullable<ListApisOptions['data']>;
}

describe('listApisAddedAfter(56)', () => {
  it('lists globals, static and prototype members Chromium added after 56', () => {
    expect(byLabel.get('Object.hasOwn')).toMatchObject({ kind: 'static', owner: 'Object', name: 'hasOwn', chromium: 93, scope: 'all' });
    expect(byLabel.get('Array.prototype.flat')).toMatchObject({ kind: 'prototype', owner: 'Array', name: 'flat', chromium: 69 });
    expect(byLabel.get('String.prototype.padStart')).toMatchObject({ kind: 'prototype', chromium: 57 });
    expect(byLabel.get('Promise.allSettled')).toMatchObject({ kind: 'static', chromium: 76 });
    expect(byLabel.get('Promise.prototype.finally')).toMatchObject({ kind: 'prototype', chromium: 63 });
    expect(byLabel.get('Object.fromEntries')).toMatchObject({ kind: 'static', chromium: 73 });
    expect(byLabel.get('AbortSignal.timeout')).toMatchObject({ kind: 'static', placement: 'key', bcdPath: 'api.AbortSignal.timeout_static' });
    expect(byLabel.get('Blob.prototype.arrayBuffer')).toMatchObject({ kind: 'prototype', chromium: 76 });
    expect(byLabel.get('TextEncoder.prototype.encodeInto')).toMatchObject({ kind: 'prototype', chromium: 74 });
    for (const [name, chromium] of [
      ['globalThis', 71],
      ['BigInt', 67],
      ['queueMicrotask', 71],
      ['FinalizationRegistry', 84],
      ['AbortController', 66],
      ['DecompressionStream', 80],
      ['WebAssembly', 57],
    ] as const) {
      expect(byLabel.get(name), name).toMatchObject({ kind: 'global', owner: '', name, chromium, scope: 'all' });
    }
  });

  it('leaves out what Chromium 56 has', () => {
    for (const label of ['Promise', 'Symbol', 'JSON', 'fetch', 'Worker', 'TextEncoder', 'indexedDB', 'IDBFactory', 'Object.values', 'Object.entries', 'Array.prototype.includes']) {
      expect(byLabel.has(label), label).toBe(false);
    }
    // Async functions are Chromium 55; the async-iteration intrinsics (63) are syntax-only.
    const asyncRelated = floor56.entries.filter((entry) => /Async(Function|Generator|Iterator)/.test(entry.bcdPath));
    expect(asyncRelated.map((entry) => entry.bcdPath)).toEqual(expect.not.arrayContaining([expect.stringMatching(/AsyncFunction|AsyncGenerator|AsyncIterator/)]));
    expect(asyncRelated).toEqual([]);
  });

  it('does not list a name whose earlier full-support range covers the floor', () => {
    // BCD: Element.scrollLeft 1–85, then 86 (right-to-left values changed).
    expect(byLabel.has('Element.prototype.scrollLeft')).toBe(false);
    expect(floor56.earlierRangeAtFloor).toContain('api.Element.scrollLeft');
  });

  it('lists what arrived in workers after 56 for worker scopes only', () => {
    expect(byLabel.get('Worker (in workers)')).toMatchObject({ kind: 'global', name: 'Worker', scope: 'worker', chromium: 69, bcdPath: 'api.Worker.worker_support' });
    expect(floor56.entries.filter((entry) => entry.scope === 'worker').every((entry) => entry.bcdPath.endsWith('.worker_support'))).toBe(true);
  });

  it('skips events, secure-context flags and behaviour sub-features', () => {
    for (const entry of floor56.entries) {
      expect(entry.name, entry.bcdPath).not.toMatch(/_event$|^secure_context_required$|^worker_support$/);
      expect(entry.name, entry.bcdPath).toMatch(/^(@@[A-Za-z]+|[A-Za-z$][\w$]*)$/);
    }
  });

  it('reports interfaces older than 56 whose constructor is newer', () => {
    const eventTarget = floor56.constructorsAddedAfter.find((entry) => entry.label === 'EventTarget');
    expect(eventTarget).toMatchObject({ bcdPath: 'api.EventTarget.EventTarget', owner: '', interfaceChromium: 1, constructorChromium: 64 });
    // Not interfaces that are themselves new: those go as a whole.
    expect(floor56.constructorsAddedAfter.every((entry) => entry.interfaceChromium <= 56 && entry.constructorChromium > 56)).toBe(true);
  });

  it('removes a builtin binding newer than its BCD entry (the global Iterator is 122)', () => {
    expect(byLabel.get('Iterator')).toMatchObject({ kind: 'global', bcdPath: 'javascript.builtins.Iterator.Iterator', chromium: 122 });
  });

  it('places every builtin member this Node has where Node has it (checks the spec_url rule)', () => {
    const resolve = (path: string): unknown =>
      path === '%TypedArray%'
        ? Object.getPrototypeOf(Int8Array)
        : path.split('.').reduce<unknown>((target, key) => (target as Record<string, unknown> | undefined)?.[key], globalThis);
    let checked = 0;
    for (const entry of floor56.entries) {
      if (entry.kind === 'global' || entry.bcdPath.startsWith('api.')) continue;
      const owner = resolve(entry.owner) as Record<PropertyKey, unknown> | undefined;
      const key: PropertyKey | undefined = entry.name.startsWith('@@') ? (Symbol as unknown as Record<string, symbol>)[entry.name.slice(2)] : entry.name;
      if (!owner || key === undefined) continue;
      const onOwner = Object.hasOwn(owner, key);
      const prototype = owner.prototype as object | undefined;
      const onPrototype = prototype !== undefined && prototype !== null && Object.hasOwn(prototype, key);
      if (!onOwner && !onPrototype) continue;
      expect(entry.kind === 'static' ? onOwner : onPrototype, `${entry.label} (${entry.placement})`).toBe(true);
      checked += 1;
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('never lists what the shim and the test drivers need', () => {
    const labels = new Set(floor56.entries.filter((entry) => entry.scope === 'all').map((entry) => entry.label));
    expect(shimDependencies.filter((name) => labels.has(name))).toEqual([]);
  });
});

describe('chromiumVersionAdded', () => {
  it('takes the first plain statement and treats non-numeric versions as unknown', () => {
    const compat = (chrome: unknown) => ({ support: { chrome } }) as never;
    expect(chromiumVersionAdded(compat({ version_added: '87' }))).toBe(87);
    expect(chromiumVersionAdded(compat({ version_added: '≤79' }))).toBe('unknown');
    expect(chromiumVersionAdded(compat({ version_added: 'preview' }))).toBe('unknown');
    expect(chromiumVersionAdded(compat({ version_added: true }))).toBe('unknown');
    expect(chromiumVersionAdded(compat({ version_added: null }))).toBe('unknown');
    expect(chromiumVersionAdded(undefined)).toBe('unknown');
    expect(chromiumVersionAdded(compat({ version_added: false }))).toBe('absent');
    expect(chromiumVersionAdded(compat({ version_added: '40', version_removed: '60' }))).toBe('absent');
    expect(chromiumVersionAdded(compat({ version_added: '50', flags: [{ type: 'preference', name: 'x' }] }))).toBe('absent');
    expect(chromiumVersionAdded(compat([{ version_added: '70' }, { version_added: '30', prefix: 'webkit' }]))).toBe(70);
    expect(chromiumVersionAdded(compat([{ version_added: '90', partial_implementation: true }, { version_added: '80' }]))).toBe(80);
    expect(chromiumVersionAdded(compat({ version_added: '69', partial_implementation: true }))).toBe(69);
    expect(chromiumVersionAdded(compat([{ version_added: '92', alternative_name: 'old' }, { version_added: '95' }]))).toBe(95);
  });

  it('names members it skipped for an unknown version, and partial statements at the floor', () => {
    const list = listApisAddedAfter(56, {
      data: fakeData({
        'api.Thing': { version_added: '40' },
        'api.Thing.ranged': { version_added: '≤79' },
        'api.Thing.later': { version_added: '60' },
        'api.Thing.partly': [{ version_added: '70' }, { version_added: '50', version_removed: '70', partial_implementation: true }],
      }),
    });
    expect(list.unknownVersion).toEqual(['api.Thing.ranged']);
    expect(list.entries.map((entry) => entry.label)).toEqual(['Thing.prototype.later', 'Thing.prototype.partly']);
    expect(list.partialAtFloor).toEqual(['api.Thing.partly']);
    const kept = listApisAddedAfter(56, {
      data: fakeData({
        'api.Thing': { version_added: '40' },
        'api.Thing.partly': [{ version_added: '70' }, { version_added: '50', version_removed: '70', partial_implementation: true }],
      }),
      keepPartialAtFloor: true,
    });
    expect(kept.entries).toEqual([]);
  });
});

/** Evaluates `source` in a fresh V8 context (Node's builtins: Object.hasOwn, [].flat…) after `setup`. */
function runShim(source: string, setup = '', times = 1): { context: Record<string, unknown>; record: FloorShimRecord } {
  const context = createContext({});
  runInContext(setup, context);
  for (let run = 0; run < times; run += 1) runInContext(source, context);
  const record = runInContext('JSON.parse(JSON.stringify((typeof self !== "undefined" ? self : this).__ondeckFloorShim))', context) as FloorShimRecord;
  return { context, record };
}

describe('buildFloorShimSource', () => {
  const source = buildFloorShimSource(56);

  it('is ES5 (it must run where it simulates)', () => {
    expect(() => parse(source, { ecmaVersion: 5 })).not.toThrow();
    expect(source).not.toMatch(/=>|\blet\b|\bconst\b|\bclass\b/);
    expect(() => parse(buildFloorShimSource(56, { removeWebAssembly: false }), { ecmaVersion: 5 })).not.toThrow();
  });

  it('removes globals, static and prototype members in a V8 context and records them', () => {
    // Assigned, not declared: a \`var\` global is non-configurable, unlike the engine's own.
    const setup = `
      this.queueMicrotask = function () {};
      this.AbortController = function AbortController() {};
      this.EventTarget = function EventTarget() {};
      EventTarget.prototype.addEventListener = function () {};
      this.Worker = function Worker() {};`;
    const { context, record } = runShim(source, setup);
    const probe = (expression: string): unknown => runInContext(expression, context);
    expect(probe('typeof Object.hasOwn')).toBe('undefined');
    expect(probe('[].flat')).toBeUndefined();
    expect(probe('typeof "".padStart')).toBe('undefined');
    expect(probe('typeof Promise.allSettled')).toBe('undefined');
    expect(probe('typeof Promise.prototype.finally')).toBe('undefined');
    expect(probe('typeof this.globalThis')).toBe('undefined');
    expect(probe('typeof this.BigInt')).toBe('undefined');
    expect(probe('typeof this.queueMicrotask')).toBe('undefined');
    expect(probe('typeof this.AbortController')).toBe('undefined');
    expect(probe('typeof this.WebAssembly')).toBe('undefined');
    expect(probe('typeof new Uint8Array(1).at')).toBe('undefined');
    // What 56 has stays, including in the shim's own dependencies.
    expect(probe('typeof Object.values + typeof Promise.resolve + typeof JSON.stringify + typeof Symbol + typeof [].includes')).toBe('functionfunctionfunctionfunctionfunction');
    expect(probe('typeof this.Worker')).toBe('function');
    // EventTarget stays (instanceof works) but is no longer constructible.
    expect(probe('typeof EventTarget')).toBe('function');
    expect(() => probe('new EventTarget()')).toThrow(/Illegal constructor/);
    expect(probe('Object.create(EventTarget.prototype) instanceof EventTarget')).toBe(true);
    expect(probe('typeof EventTarget.prototype.addEventListener')).toBe('function');
    expect(probe('EventTarget.prototype.constructor === EventTarget')).toBe(true);

    expect(record).toMatchObject({ floor: 56, isWorker: false, runs: 1, misplaced: [] });
    // Well-known symbols (Symbol.asyncIterator, Symbol.matchAll) are non-configurable, read-only
    // properties of Symbol in every engine: nothing can take them away.
    expect(record.notRemovable.length).toBeGreaterThan(0);
    for (const failure of record.notRemovable) expect(failure).toMatch(/^Symbol\.\w+: non-configurable, read-only$/);
    expect(record.removed).toEqual(
      expect.arrayContaining([
        'Object.hasOwn',
        'Array.prototype.flat',
        'String.prototype.padStart',
        'globalThis',
        'BigInt',
        'queueMicrotask',
        'AbortController',
        'WebAssembly',
        'TypedArray.prototype.at',
      ]),
    );
    expect(record.wrapped).toEqual(['EventTarget']);
    // A nested class's members go before the class (or they would be unreachable, not removed).
    expect(record.removed).toEqual(expect.arrayContaining(['Intl.Segmenter.prototype.segment', 'Intl.Segmenter', 'Intl.ListFormat.prototype.format']));
    expect(record.absent.filter((label) => /^Intl\.(Segmenter|ListFormat)\b/.test(label))).toEqual([]);
  });

  it('works when evaluated twice', () => {
    const once = runShim(source).record;
    const twice = runShim(source, '', 2).record;
    expect(twice.runs).toBe(2);
    expect(twice.removed).toEqual(once.removed);
    expect(twice.notRemovable).toEqual(once.notRemovable);
    expect(twice.absent.length).toBe(once.absent.length);
  });

  it('removes worker-only entries only in a worker global scope', () => {
    const worker = runShim(
      source,
      `function WorkerGlobalScope() {}
       var self = Object.create(WorkerGlobalScope.prototype);
       self.WorkerGlobalScope = WorkerGlobalScope;
       self.Worker = function Worker() {};
       self.Object = Object;`,
    );
    expect(worker.record.isWorker).toBe(true);
    expect(worker.record.removed).toContain('Worker (in workers)');
    expect(runInContext('typeof self.Worker', worker.context)).toBe('undefined');
    expect(runInContext('typeof self.Object.hasOwn', worker.context)).toBe('undefined');
  });

  it('sets a non-configurable writable property to undefined and reports a read-only one', () => {
    const data = fakeData({
      'api.Old': { version_added: '30' },
      'api.Old.fresh': { version_added: '90' },
      'api.Old.stuck_static': { version_added: '90' },
      'api.pinned': { version_added: '90' },
    });
    const { context, record } = runShim(
      buildFloorShimSource(56, { data }),
      `function Old() {}
       Object.defineProperty(Old.prototype, 'fresh', { value: 1, writable: true, configurable: false });
       Object.defineProperty(Old, 'stuck', { value: 2, writable: false, configurable: false });
       Object.defineProperty(this, 'pinned', { get: function () { return 4; }, configurable: false });`,
    );
    expect(runInContext('Old.prototype.fresh', context)).toBeUndefined();
    expect(record.removed).toEqual(['Old.prototype.fresh (non-configurable: set to undefined)']);
    expect(record.notRemovable).toEqual(['Old.stuck: non-configurable, read-only', 'pinned: non-configurable accessor']);
  });

  it('looks on the other side only for a member BCD gives no placement hint for', () => {
    const data = fakeData({
      // A static member added late whose name an old prototype method also has (Chromium 87:
      // Response.prototype.json, 42, but no Response.json, 105): the old method must stay.
      'api.Reply': { version_added: '40' },
      'api.Reply.json_static': { version_added: '105' },
      // A builtin without spec_url: assumed on the prototype, found static, removed there.
      'javascript.builtins.Thing': { version_added: '30' },
      'javascript.builtins.Thing.hint': { version_added: '90' },
    });
    const { context, record } = runShim(
      buildFloorShimSource(56, { data }),
      `this.Reply = function Reply() {};
       Reply.prototype.json = function () {};
       this.Thing = function Thing() {};
       Thing.hint = 1;`,
    );
    expect(runInContext('typeof Reply.prototype.json', context)).toBe('function');
    expect(runInContext('typeof Thing.hint', context)).toBe('undefined');
    expect(record.absent).toEqual(['Reply.json']);
    expect(record.misplaced).toEqual(['Thing.prototype.hint']);
    expect(record.removed).toEqual(['Thing.hint']);
  });

  it('keeps WebAssembly as Chromium 57 shipped it with removeWebAssembly: false', () => {
    const { context, record } = runShim(buildFloorShimSource(56, { removeWebAssembly: false }));
    expect(runInContext('typeof WebAssembly.validate + typeof WebAssembly.Memory.prototype.grow', context)).toBe('functionfunction');
    expect(runInContext('typeof WebAssembly.instantiateStreaming + typeof WebAssembly.Global', context)).toBe('undefinedundefined');
    expect(record.removed).not.toContain('WebAssembly');
    expect(record.removed).toContain('Object.hasOwn');
  });

  it('refuses to remove what the shim and the drivers depend on', () => {
    const data = fakeData({ 'javascript.builtins.Promise': { version_added: '60' } });
    expect(() => buildFloorShimSource(56, { data })).toThrow(/Promise/);
  });
});
