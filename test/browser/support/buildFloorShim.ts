import { createRequire } from 'node:module';
import type { CompatData, CompatStatement, Identifier, SimpleSupportStatement } from '@mdn/browser-compat-data';

/**
 * Where a {@link FloorApiEntry} lives in an engine:
 * - `global`: a property of the global object (or of an object on its prototype chain, such as
 *   `Window.prototype`): `globalThis`, `BigInt`, `queueMicrotask`, `AbortController`, `WebAssembly`.
 * - `static`: an own property of the object named by `owner`: `Object.hasOwn`, `AbortSignal.timeout`.
 * - `prototype`: an own property of `owner.prototype`: `Array.prototype.flat`, `Blob.prototype.arrayBuffer`.
 */
export type FloorApiKind = 'global' | 'static' | 'prototype';

/**
 * What told {@link listApisAddedAfter} that a member is static or on the prototype:
 * - `tree`: its place in BCD (a top-level builtin or interface, a member of a global-scope
 *   interface such as `Window`, a nested class such as `Intl.Segmenter`);
 * - `key`: BCD's `api` convention, where static members (and namespace members) end in `_static`
 *   and every other member is an instance member (WebIDL puts those on the prototype);
 * - `spec_url`: a `javascript.builtins` member whose ECMAScript spec anchor names
 *   `X.prototype.y` (`#sec-array.prototype.flat`, `#sec-get-regexp.prototype.flags`) is a
 *   prototype member, any other anchor (`#sec-object.hasown`) a static one;
 * - `default`: no hint (a builtin without `spec_url`): assumed on the prototype.
 *
 * Only for `default` does the shim look on the other side when the decided object does not own
 * the property (removing it there and listing it in `misplaced`). A decided member found only on
 * the other side is a different API: Chromium 87 has `Response.prototype.json` (the body method,
 * Chromium 42) but not the static `Response.json` (BCD `json_static`, 105), and deciding in the
 * engine ("the constructor owns it, else the prototype") would have removed the old method.
 */
export type FloorPlacementSource = 'tree' | 'key' | 'spec_url' | 'default';

/** One API Chromium added after the floor, and how to remove it. */
export interface FloorApiEntry {
  /** BCD path: `javascript.builtins.Array.flat`, `api.Worker.worker_support`, `webassembly.api`. */
  readonly bcdPath: string;
  readonly kind: FloorApiKind;
  /**
   * Dotted path from the global object to the object holding a `static` member or whose
   * `prototype` holds a `prototype` member (`Object`, `Intl.Segmenter`, `WebAssembly`), or
   * `%TypedArray%` for the intrinsic all typed arrays inherit from; `''` for a `global`.
   */
  readonly owner: string;
  /** Property name; a well-known symbol is written `@@iterator` (as BCD does). */
  readonly name: string;
  /**
   * `all`: removed in every global scope; `worker`: only in worker global scopes (the entry is a
   * `worker_support` sub-feature: the API is older in windows than in workers, e.g. `Worker`).
   */
  readonly scope: 'all' | 'worker';
  /** The Chromium version BCD says added it (in that scope). */
  readonly chromium: number;
  readonly placement: FloorPlacementSource;
  /** Human-readable name: `queueMicrotask`, `Object.hasOwn`, `Array.prototype.flat`, `Worker (in workers)`. */
  readonly label: string;
}

/**
 * An interface older than the floor whose constructor (BCD's `X.X` entry) is newer: on a
 * Chromium at the floor, `new X()` throws `TypeError: Illegal constructor` while `X` itself,
 * `X.prototype` and `instanceof X` work. The shim replaces `X` with such a constructor.
 */
export interface FloorConstructorEntry {
  /** BCD path of the constructor entry: `api.EventTarget.EventTarget`. */
  readonly bcdPath: string;
  /** Dotted path of the object holding the constructor (`''`: the global object). */
  readonly owner: string;
  readonly name: string;
  /** The Chromium version that added the interface (at or below the floor). */
  readonly interfaceChromium: number;
  /** The Chromium version that made it constructible (above the floor). */
  readonly constructorChromium: number;
  readonly label: string;
}

/** What {@link listApisAddedAfter} found. */
export interface FloorApiList {
  readonly floorChromium: number;
  /** Globals, static and prototype members to remove (some only in workers), in BCD order. */
  readonly entries: readonly FloorApiEntry[];
  /** Interfaces to make non-constructible, see {@link FloorConstructorEntry}. */
  readonly constructorsAddedAfter: readonly FloorConstructorEntry[];
  /**
   * BCD paths of members skipped because Chromium's version is not a plain number (`"≤79"`,
   * `"preview"`, `true`, `null`): whether they are above the floor is unknown.
   */
  readonly unknownVersion: readonly string[];
  /**
   * BCD paths NOT listed although their chosen statement (see {@link chromiumVersionAdded}) is
   * above the floor, because an earlier full-support range covers the floor: BCD starts a new
   * statement when behaviour changes (`Element.scrollLeft`: 1–85, then 86), so the name was there.
   */
  readonly earlierRangeAtFloor: readonly string[];
  /**
   * BCD paths listed (and removed by the shim) although a `partial_implementation` statement
   * covers the floor. Sometimes the name was there in some form (`KeyboardEvent.repeat`), sometimes
   * elsewhere (`Document.all` was on `HTMLDocument` before 64; `HTMLElement.autofocus` on the form
   * controls before 79), sometimes not at all (`AudioScheduledSourceNode` before 57): review these
   * when a floor test fails on one of them. With {@link ListApisOptions.keepPartialAtFloor} they
   * are named here but not listed.
   */
  readonly partialAtFloor: readonly string[];
}

/** Options of {@link listApisAddedAfter}. */
export interface ListApisOptions {
  /**
   * Floor applied to the `webassembly.api` tree instead of `floorChromium` (see
   * {@link FloorShimOptions.removeWebAssembly}).
   * @defaultValue `floorChromium`
   */
  webAssemblyFloorChromium?: number;
  /**
   * The data to walk (tests pass a small fake tree).
   * @defaultValue the installed `@mdn/browser-compat-data`
   */
  data?: Pick<CompatData, 'api' | 'javascript' | 'webassembly'>;
  /**
   * `true` keeps (does not list) entries in {@link FloorApiList.partialAtFloor}: for a floor test
   * that fails on one of them when the real device has it (`KeyboardEvent.prototype.repeat`).
   * @defaultValue `false`: the chosen statement decides, as {@link chromiumVersionAdded} says
   */
  keepPartialAtFloor?: boolean;
}

/** Options of {@link buildFloorShimSource}. */
export interface FloorShimOptions extends Pick<ListApisOptions, 'data' | 'keepPartialAtFloor'> {
  /**
   * `false` keeps `WebAssembly`, judging its members against the Chromium version that added
   * WebAssembly (57, from BCD) instead of the floor, i.e. WebAssembly as Chromium 57 shipped it
   * (no `instantiateStreaming`, no `WebAssembly.Global`): the "Chromium 57–90" simulation. A shim
   * cannot take SIMD out of the engine's compiler (SIMD arrived in 91), so that simulation must
   * also make the SDK's SIMD probe fail by other means (e.g. force the non-SIMD kernel).
   * @defaultValue `true` (WebAssembly arrived in Chromium 57, after a floor of 56)
   */
  removeWebAssembly?: boolean;
}

/**
 * BCD files these ECMAScript intrinsics under `javascript.builtins` although no global binding
 * names them, and ES5 code cannot reach them without their syntax (`async function`,
 * `function*`, `async function*`), which a Chromium at an old floor rejects at parse time: their
 * entries are skipped (the `es-x` lint covers the syntax).
 */
const syntaxOnlyIntrinsics: ReadonlySet<string> = new Set(['AsyncFunction', 'AsyncGenerator', 'AsyncGeneratorFunction', 'AsyncIterator', 'Generator', 'GeneratorFunction']);

/** Intrinsics BCD files under `javascript.builtins` that ES5 code reaches through another object. */
const intrinsicOwners: Readonly<Record<string, string>> = Object.freeze({ TypedArray: '%TypedArray%' });

/** BCD `api` interfaces whose members are properties of a global object. */
function isGlobalScopeInterface(name: string): boolean {
  return name === 'Window' || name.endsWith('GlobalScope');
}

/**
 * Globals the shim's own code and the test drivers' in-page envelopes use (`Promise`, JSON, the
 * `Object` reflection functions…). All are far older than any floor we simulate;
 * {@link buildFloorShimSource} refuses to build a shim that would remove one of them.
 */
export const shimDependencies: readonly string[] = Object.freeze([
  'Object',
  'Object.getOwnPropertyDescriptor',
  'Object.getOwnPropertyNames',
  'Object.defineProperty',
  'Object.getPrototypeOf',
  'Object.prototype.hasOwnProperty',
  'Function',
  'Function.prototype.call',
  'Function.prototype.apply',
  'Array',
  'Array.prototype.push',
  'Array.prototype.slice',
  'Array.prototype.join',
  'String',
  'String.prototype.split',
  'String.prototype.charAt',
  'String.prototype.slice',
  'TypeError',
  'Error',
  'Symbol',
  'Promise',
  'Promise.resolve',
  'Promise.prototype.then',
  'JSON',
  'JSON.parse',
  'JSON.stringify',
]);

/**
 * The Chromium version that added a feature, from `__compat.support.chrome` (BCD lists the newest
 * statement first). Only statements without `prefix`, `alternative_name` or `flags` count (the
 * others do not put this name in a default Chromium), and among those only the ones still
 * current (no `version_removed`, `version_added` not `false`); of these the first without
 * `partial_implementation` is taken, or, when all are partial (`api.Worker.worker_support`: "not
 * in shared workers"), the first partial one, since a partial implementation still puts the name
 * in the engine. `version_added` must be a plain number: `"≤79"` (some unknown version up to 79),
 * `"preview"`, `true` and `null` give `'unknown'`; no current statement gives `'absent'` (never
 * shipped, or removed again: nothing to take away from current Chromium).
 *
 * @example
 * ```ts
 * chromiumVersionAdded(bcd.javascript.builtins.Object.hasOwn.__compat); // 93
 * chromiumVersionAdded({ support: { chrome: { version_added: '≤79' } } }); // 'unknown'
 * chromiumVersionAdded({ support: { chrome: { version_added: false } } }); // 'absent'
 * ```
 */
export function chromiumVersionAdded(compat: Pick<CompatStatement, 'support'> | undefined): number | 'unknown' | 'absent' {
  const all = statementsOf(compat);
  if (all.length === 0) return 'unknown';
  const statement = chosenStatement(compat);
  return statement ? parseVersion(statement.version_added) : 'absent';
}

function statementsOf(compat: Pick<CompatStatement, 'support'> | undefined): SimpleSupportStatement[] {
  const chrome = compat?.support?.chrome;
  if (!chrome) return [];
  return (Array.isArray(chrome) ? chrome : [chrome]) as SimpleSupportStatement[];
}

function isPlainStatement(statement: SimpleSupportStatement): boolean {
  return statement.prefix === undefined && statement.alternative_name === undefined && statement.flags === undefined;
}

function isCurrentStatement(statement: SimpleSupportStatement): boolean {
  return isPlainStatement(statement) && statement.version_added !== false && statement.version_removed === undefined;
}

function chosenStatement(compat: Pick<CompatStatement, 'support'> | undefined): SimpleSupportStatement | undefined {
  const current = statementsOf(compat).filter(isCurrentStatement);
  return current.find((statement) => statement.partial_implementation !== true) ?? current[0];
}

function parseVersion(value: unknown): number | 'unknown' {
  if (typeof value !== 'string' || !/^\d+(\.\d+)?$/.test(value)) return 'unknown';
  return Number.parseFloat(value);
}

/**
 * How another unflagged, unprefixed statement than the chosen one covers `floor`: `range` for an
 * earlier full-support range (`Element.scrollLeft`: 1–85, then 86 with a behaviour change, so the
 * name was there at any floor), `partial` for a `partial_implementation` (which may or may not
 * mean the name was there: see {@link FloorApiList.partialAtFloor}), `undefined` if none does.
 */
function otherStatementCovering(compat: CompatStatement | undefined, floor: number): 'range' | 'partial' | undefined {
  const chosen = chosenStatement(compat);
  let found: 'range' | 'partial' | undefined;
  for (const statement of statementsOf(compat)) {
    if (statement === chosen || !isPlainStatement(statement)) continue;
    const added = parseVersion(statement.version_added);
    const removed = statement.version_removed === undefined ? Infinity : parseVersion(statement.version_removed);
    if (typeof added !== 'number' || added > floor || typeof removed !== 'number' || removed <= floor) continue;
    if (statement.partial_implementation !== true) return 'range';
    found = 'partial';
  }
  return found;
}

/** A builtin member key (`flat`, `MAX_SAFE_INTEGER`, `@@iterator`), not a behaviour (`key_equality_for_zeros`). */
function isBuiltinMemberKey(key: string): boolean {
  if (/^@@[A-Za-z]+$/.test(key)) return true;
  if (!/^[A-Za-z$][\w$]*$/.test(key)) return false;
  return !key.includes('_') || /^[A-Z][A-Z0-9_]*$/.test(key);
}

/** An `api` member key: `arrayBuffer`, `timeout_static`; not `foo_event`, `secure_context_required`. */
function apiMemberName(key: string): { name: string; isStatic: boolean } | undefined {
  const isStatic = key.endsWith('_static');
  const name = isStatic ? key.slice(0, -'_static'.length) : key;
  if (!/^[A-Za-z$][\w$]*$/.test(name) || name.includes('_')) return undefined;
  return { name, isStatic };
}

/**
 * `prototype` when the ECMAScript spec anchor names `X.prototype.y` (`#sec-array.prototype.flat`,
 * `#sec-regexp-prototype-%symbol.matchall%`, `#sec-%iteratorprototype%-@@dispose`), else `static`
 * (`#sec-object.hasown`, `#sec-object.getprototypeof`); `undefined` without a spec URL.
 */
function placementFromSpecUrl(specUrl: string | string[] | undefined): 'static' | 'prototype' | undefined {
  const url = Array.isArray(specUrl) ? specUrl[0] : specUrl;
  if (!url) return undefined;
  const raw = url.slice(url.indexOf('#') + 1);
  let anchor = raw.toLowerCase();
  try {
    anchor = decodeURIComponent(raw).toLowerCase();
  } catch {
    // A stray `%` in an anchor (`#sec-%typedarray%.prototype.at`): the raw text says as much.
  }
  return /[.\-]prototype([.\-]|$)|prototype%[.\-]/.test(anchor) ? 'prototype' : 'static';
}

function children(node: Identifier): Array<[string, Identifier]> {
  return Object.entries(node).filter(([key]) => key !== '__compat') as Array<[string, Identifier]>;
}

function labelOf(kind: FloorApiKind, owner: string, name: string): string {
  const shownOwner = owner === '%TypedArray%' ? 'TypedArray' : owner;
  if (kind === 'global') return name;
  return kind === 'static' ? `${shownOwner}.${name}` : `${shownOwner}.prototype.${name}`;
}

let installedData: CompatData | undefined;
function loadInstalledData(): CompatData {
  // Node's own JSON loader: the file is ~20 MB, which a bundler's JSON-to-module step would crawl through.
  installedData ??= createRequire(import.meta.url)('@mdn/browser-compat-data') as CompatData;
  return installedData;
}

/**
 * Lists what Chromium added after `floorChromium`, derived from `@mdn/browser-compat-data` (BCD):
 * walks `javascript.builtins`, `api` and `webassembly.api` (where BCD 8 keeps the `WebAssembly`
 * namespace, Chromium 57) and returns every global, static member and prototype member whose
 * Chromium version (see {@link chromiumVersionAdded}) is above the floor.
 *
 * Members whose version is not a plain number are skipped and listed in `unknownVersion` (a `"≤N"`
 * with N at or below the floor is in fact known to be old; above it, unknown). Sub-features that
 * are not members are skipped: `*_event` (events), `secure_context_required`, parameter and
 * behaviour entries (`options_parameter`, `key_equality_for_zeros`), and the constructor entry
 * `X.X`, which instead goes to `constructorsAddedAfter` when it is newer than the floor while `X`
 * is not. `worker_support` (of an interface, of a global function, or of a member) becomes an
 * entry with `scope: 'worker'` when the API is at or below the floor in windows but above it in
 * workers: `Worker` in workers is Chromium 69. A member of an API that is itself above the floor
 * is listed too (the shim removes members before globals, so `BigInt.asIntN` goes even though
 * `BigInt` does).
 *
 * Static versus prototype: BCD's key does not say it for `javascript.builtins`, so the ECMAScript
 * `spec_url` decides there (every standard builtin has one and its anchor names
 * `x.prototype.y` for prototype members); in `api` the `_static` suffix does (BCD's convention;
 * other members are instance members, which WebIDL puts on the prototype). The shim re-checks
 * in the engine, see {@link FloorPlacementSource}.
 *
 * @param floorChromium the oldest Chromium to simulate, e.g. 56 for Tizen 4.
 * @example
 * ```ts
 * const { entries, constructorsAddedAfter } = listApisAddedAfter(56);
 * entries.find((entry) => entry.label === 'Object.hasOwn'); // { kind: 'static', owner: 'Object', chromium: 93, … }
 * entries.find((entry) => entry.label === 'Array.prototype.flat'); // { kind: 'prototype', chromium: 69, … }
 * constructorsAddedAfter.map((entry) => entry.label); // [… 'EventTarget' (64) …]
 * ```
 */
export function listApisAddedAfter(floorChromium: number, options: ListApisOptions = {}): FloorApiList {
  const data = options.data ?? loadInstalledData();
  const entries: FloorApiEntry[] = [];
  const constructorsAddedAfter: FloorConstructorEntry[] = [];
  const unknownVersion: string[] = [];
  const earlierRangeAtFloor: string[] = [];
  const partialAtFloor: string[] = [];

  /** Version of `node` if it is above `floor`, `undefined` otherwise (recording unknowns). */
  const above = (node: Identifier, path: string, floor: number): number | undefined => {
    const version = chromiumVersionAdded(node.__compat);
    if (version === 'unknown') {
      if (node.__compat) unknownVersion.push(path);
      return undefined;
    }
    if (version === 'absent' || version <= floor) return undefined;
    const other = otherStatementCovering(node.__compat, floor);
    if (other === 'range') {
      earlierRangeAtFloor.push(path);
      return undefined;
    }
    if (other === 'partial') {
      partialAtFloor.push(path);
      if (options.keepPartialAtFloor) return undefined;
    }
    return version;
  };
  const add = (entry: Omit<FloorApiEntry, 'label'>): void => {
    const label = labelOf(entry.kind, entry.owner, entry.name) + (entry.scope === 'worker' ? ' (in workers)' : '');
    entries.push({ ...entry, label });
  };
  /** A `worker_support` child: the API at `node` arrived in workers after the floor. */
  const addWorkerSupport = (node: Identifier, path: string, floor: number, entry: Pick<FloorApiEntry, 'kind' | 'owner' | 'name' | 'placement'>): void => {
    const workers = Object.hasOwn(node, 'worker_support') ? node.worker_support : undefined;
    if (!workers) return;
    const version = above(workers, `${path}.worker_support`, floor);
    if (version !== undefined) add({ ...entry, bcdPath: `${path}.worker_support`, scope: 'worker', chromium: version });
  };
  /** A constructor entry `X.X` newer than the floor under an interface `X` at or below it. */
  const checkConstructor = (node: Identifier, name: string, path: string, owner: string, floor: number, interfaceVersion: number | 'unknown' | 'absent'): void => {
    const constructorNode = Object.hasOwn(node, name) ? node[name] : undefined;
    if (!constructorNode || typeof interfaceVersion !== 'number' || interfaceVersion > floor) return;
    const version = above(constructorNode, `${path}.${name}`, floor);
    if (version === undefined) return;
    constructorsAddedAfter.push({
      bcdPath: `${path}.${name}`,
      owner,
      name,
      interfaceChromium: interfaceVersion,
      constructorChromium: version,
      label: owner ? `${owner}.${name}` : name,
    });
  };

  /**
   * A builtin `X` at or below the floor whose constructor entry `X.X` is newer: in ECMAScript that
   * means the binding itself arrived then (`Iterator` is BCD's %IteratorPrototype%, Chromium 38,
   * but the global `Iterator` is Chromium 122), so the binding is removed, not made non-constructible.
   */
  const checkBuiltinBinding = (node: Identifier, name: string, path: string, owner: string, floor: number): void => {
    const ownVersion = chromiumVersionAdded(node.__compat);
    if (!Object.hasOwn(node, name) || typeof ownVersion !== 'number' || ownVersion > floor) return;
    const version = above(node[name], `${path}.${name}`, floor);
    if (version === undefined) return;
    add({ bcdPath: `${path}.${name}`, kind: owner ? 'static' : 'global', owner, name, scope: 'all', chromium: version, placement: 'tree' });
  };

  // javascript.builtins: top-level entries are globals; a member whose own children include its
  // own name (`Intl.Segmenter.Segmenter`) is a nested class whose members are walked in turn.
  const walkBuiltinMembers = (node: Identifier, nodeName: string, path: string, owner: string, floor: number): void => {
    for (const [key, child] of children(node)) {
      const childPath = `${path}.${key}`;
      if (key === nodeName || !isBuiltinMemberKey(key)) continue;
      const isNestedClass = Object.hasOwn(child, key);
      const version = above(child, childPath, floor);
      if (version !== undefined) {
        const decided = isNestedClass ? 'static' : placementFromSpecUrl(child.__compat?.spec_url);
        add({
          bcdPath: childPath,
          kind: decided ?? 'prototype',
          owner,
          name: key,
          scope: 'all',
          chromium: version,
          placement: isNestedClass ? 'tree' : decided ? 'spec_url' : 'default',
        });
      }
      if (isNestedClass) {
        checkBuiltinBinding(child, key, childPath, owner, floor);
        walkBuiltinMembers(child, key, childPath, `${owner}.${key}`, floor);
      }
    }
  };
  const builtins = (data.javascript as Identifier).builtins ?? {};
  for (const [name, node] of children(builtins)) {
    if (syntaxOnlyIntrinsics.has(name)) continue;
    const path = `javascript.builtins.${name}`;
    const intrinsic = intrinsicOwners[name];
    if (!intrinsic) {
      const version = above(node, path, floorChromium);
      if (version !== undefined) add({ bcdPath: path, kind: 'global', owner: '', name, scope: 'all', chromium: version, placement: 'tree' });
      checkBuiltinBinding(node, name, path, '', floorChromium);
    }
    walkBuiltinMembers(node, name, path, intrinsic ?? name, floorChromium);
  }

  // api: top-level entries are interfaces, namespaces (`console`, `CSS`) or global functions and
  // attributes (`queueMicrotask`); members of the global-scope interfaces are globals.
  for (const [name, node] of children(data.api)) {
    const path = `api.${name}`;
    const globalScope = isGlobalScopeInterface(name);
    if (!globalScope) {
      const version = above(node, path, floorChromium);
      if (version !== undefined) add({ bcdPath: path, kind: 'global', owner: '', name, scope: 'all', chromium: version, placement: 'tree' });
      else addWorkerSupport(node, path, floorChromium, { kind: 'global', owner: '', name, placement: 'tree' });
      checkConstructor(node, name, path, '', floorChromium, chromiumVersionAdded(node.__compat));
    }
    const isInterfaceLike = /^[A-Z]/.test(name);
    for (const [key, child] of children(node)) {
      const member = apiMemberName(key);
      if (!member || key === name) continue;
      // Sub-features of a global function or attribute (`fetch.options_parameter`) are not members.
      if (!member.isStatic && !isInterfaceLike) continue;
      const memberPath = `${path}.${key}`;
      const placed: Pick<FloorApiEntry, 'kind' | 'owner' | 'name' | 'placement'> = globalScope
        ? { kind: 'global', owner: '', name: member.name, placement: 'tree' }
        : { kind: member.isStatic ? 'static' : 'prototype', owner: name, name: member.name, placement: 'key' };
      const version = above(child, memberPath, floorChromium);
      if (version !== undefined) add({ ...placed, bcdPath: memberPath, scope: 'all', chromium: version });
      else addWorkerSupport(child, memberPath, floorChromium, placed);
    }
  }

  // webassembly.api: the `WebAssembly` namespace, its functions (`compile_static`) and classes.
  const wasmFloor = options.webAssemblyFloorChromium ?? floorChromium;
  const wasm = (data.webassembly as Identifier | undefined)?.api;
  if (wasm) {
    const path = 'webassembly.api';
    const version = above(wasm, path, wasmFloor);
    if (version !== undefined) add({ bcdPath: path, kind: 'global', owner: '', name: 'WebAssembly', scope: 'all', chromium: version, placement: 'tree' });
    for (const [key, child] of children(wasm)) {
      const member = apiMemberName(key);
      if (!member) continue;
      const memberPath = `${path}.${key}`;
      const memberVersion = above(child, memberPath, wasmFloor);
      if (memberVersion !== undefined) {
        add({ bcdPath: memberPath, kind: 'static', owner: 'WebAssembly', name: member.name, scope: 'all', chromium: memberVersion, placement: member.isStatic ? 'key' : 'tree' });
      }
      if (member.isStatic || !Object.hasOwn(child, key)) continue;
      // A class (`Memory`, with its constructor entry `Memory.Memory`).
      const owner = `WebAssembly.${key}`;
      checkConstructor(child, key, memberPath, 'WebAssembly', wasmFloor, chromiumVersionAdded(child.__compat));
      for (const [classKey, classChild] of children(child)) {
        const classMember = apiMemberName(classKey);
        if (!classMember || classKey === key) continue;
        const classVersion = above(classChild, `${memberPath}.${classKey}`, wasmFloor);
        if (classVersion === undefined) continue;
        add({
          bcdPath: `${memberPath}.${classKey}`,
          kind: classMember.isStatic ? 'static' : 'prototype',
          owner,
          name: classMember.name,
          scope: 'all',
          chromium: classVersion,
          placement: 'key',
        });
      }
    }
  }

  return { floorChromium, entries, constructorsAddedAfter, unknownVersion, earlierRangeAtFloor, partialAtFloor };
}

/**
 * The page- and worker-side program, ES5 only: it must parse and run on the engines it
 * simulates. `DATA` is replaced with the JSON of what to remove.
 */
const shimProgram = `(function () {
  var g = typeof self !== 'undefined' ? self : (function () { return this; })();
  var data = DATA;
  var hasOwn = Object.prototype.hasOwnProperty;
  var getDescriptor = Object.getOwnPropertyDescriptor;
  var defineProperty = Object.defineProperty;
  var getPrototypeOf = Object.getPrototypeOf;
  var getNames = Object.getOwnPropertyNames;
  var setPrototypeOf = Object.setPrototypeOf;
  var objectPrototype = Object.prototype;
  var SymbolConstructor = typeof Symbol === 'function' ? Symbol : undefined;
  var neverMoved = { name: 1, length: 1, prototype: 1, caller: 1, arguments: 1, constructor: 1 };
  var record = g.__ondeckFloorShim;
  if (!record || typeof record !== 'object' || record.floor !== data.floor) {
    record = { floor: data.floor, removed: [], notRemovable: [], misplaced: [], absent: [], wrapped: [], isWorker: false, runs: 0 };
  }
  record.runs += 1;
  var isWorker = typeof g.WorkerGlobalScope === 'function' && g instanceof g.WorkerGlobalScope;
  record.isWorker = isWorker;
  var i;

  function keyOf(name) {
    if (name.charAt(0) === '@' && name.charAt(1) === '@') {
      var symbol = SymbolConstructor ? SymbolConstructor[name.slice(2)] : undefined;
      return typeof symbol === 'symbol' ? symbol : undefined;
    }
    return name;
  }
  function resolve(path) {
    if (path === '') return g;
    var parts = path.split('.');
    var target = g;
    for (var p = 0; p < parts.length; p += 1) {
      if (parts[p] === '%TypedArray%') {
        target = typeof g.Int8Array === 'function' ? getPrototypeOf(g.Int8Array) : undefined;
      } else {
        target = target !== null && target !== undefined ? target[parts[p]] : undefined;
      }
      if (target === null || (typeof target !== 'object' && typeof target !== 'function')) return undefined;
    }
    return target;
  }
  var seen = {};
  function seenIn(listName) {
    var listSeen = seen[listName];
    if (!listSeen) {
      listSeen = seen[listName] = {};
      for (var n = 0; n < record[listName].length; n += 1) listSeen['#' + record[listName][n]] = true;
    }
    return listSeen;
  }
  function note(listName, text) {
    var listSeen = seenIn(listName);
    if (listSeen['#' + text] === true) return;
    // What an earlier run removed is not "absent" in this one.
    if (listName === 'absent' && seenIn('removed')['#' + text] === true) return;
    listSeen['#' + text] = true;
    record[listName].push(text);
  }
  function labelOf(kind, scope, owner, name) {
    var shown = owner === '%TypedArray%' ? 'TypedArray' : owner;
    var label = kind === 'global' ? name : kind === 'static' ? shown + '.' + name : shown + '.prototype.' + name;
    return scope === 'worker' ? label + ' (in workers)' : label;
  }
  function removeOwn(holder, key, label) {
    var descriptor;
    try {
      descriptor = getDescriptor(holder, key);
    } catch (error) {
      note('notRemovable', label + ': ' + String(error));
      return;
    }
    if (!descriptor) return;
    if (descriptor.configurable) {
      try {
        delete holder[key];
      } catch (error) {
        note('notRemovable', label + ': ' + String(error));
        return;
      }
      if (hasOwn.call(holder, key)) note('notRemovable', label + ': still there after delete');
      else note('removed', label);
      return;
    }
    if (descriptor.writable) {
      try {
        defineProperty(holder, key, { value: undefined });
        note('removed', label + ' (non-configurable: set to undefined)');
        return;
      } catch (error) {
        note('notRemovable', label + ': ' + String(error));
        return;
      }
    }
    note('notRemovable', label + ': non-configurable' + (descriptor.get || descriptor.set ? ' accessor' : ', read-only'));
  }
  function removeGlobal(entry, key) {
    var found = false;
    for (var holder = g; holder && holder !== objectPrototype; holder = getPrototypeOf(holder)) {
      if (hasOwn.call(holder, key)) {
        found = true;
        removeOwn(holder, key, holder === g ? entry.label : entry.label + ' (on the global\\'s prototype chain)');
      }
    }
    if (!found) note('absent', entry.label);
  }
  function removeMember(entry, key) {
    var owner = resolve(entry.owner);
    if (!owner) {
      note('absent', entry.label);
      return;
    }
    var prototype = owner.prototype;
    var hasPrototype = prototype !== null && (typeof prototype === 'object' || typeof prototype === 'function');
    var ownerShown = entry.owner === '%TypedArray%' ? 'TypedArray' : entry.owner;
    var staticLabel = ownerShown + '.' + entry.name;
    var prototypeLabel = ownerShown + '.prototype.' + entry.name;
    var first = entry.kind === 'static' ? owner : hasPrototype ? prototype : undefined;
    var second = entry.kind === 'static' ? (hasPrototype ? prototype : undefined) : owner;
    if (first && hasOwn.call(first, key)) {
      removeOwn(first, key, entry.kind === 'static' ? staticLabel : prototypeLabel);
    } else if (entry.flexible && second && !hasOwn.call(neverMoved, entry.name) && hasOwn.call(second, key)) {
      note('misplaced', entry.label);
      removeOwn(second, key, entry.kind === 'static' ? prototypeLabel : staticLabel);
    } else {
      note('absent', entry.label);
    }
  }
  function illegalConstructor() {
    return function () {
      throw new TypeError('Illegal constructor');
    };
  }
  function wrapConstructor(entry) {
    var owner = resolve(entry.owner);
    var original = owner ? owner[entry.name] : undefined;
    if (typeof original !== 'function') {
      note('absent', entry.label + ' (constructor)');
      return;
    }
    if (hasOwn.call(original, '__ondeckIllegalConstructor')) return;
    var descriptor = getDescriptor(owner, entry.name);
    if (!descriptor || !('value' in descriptor) || (!descriptor.configurable && !descriptor.writable)) {
      note('notRemovable', entry.label + ' (constructor): cannot be replaced');
      return;
    }
    var wrapper = illegalConstructor();
    var names = getNames(original);
    for (var n = 0; n < names.length; n += 1) {
      if (names[n] === 'prototype' || names[n] === 'caller' || names[n] === 'arguments') continue;
      try {
        defineProperty(wrapper, names[n], getDescriptor(original, names[n]));
      } catch (error) {
        // A function's own non-configurable properties (none in practice) stay the wrapper's.
      }
    }
    wrapper.prototype = original.prototype;
    if (setPrototypeOf) setPrototypeOf(wrapper, getPrototypeOf(original));
    defineProperty(wrapper, '__ondeckIllegalConstructor', { value: true });
    var prototype = original.prototype;
    if (prototype && hasOwn.call(prototype, 'constructor')) {
      defineProperty(prototype, 'constructor', { value: wrapper, writable: true, enumerable: false, configurable: true });
    }
    if (descriptor.configurable) {
      defineProperty(owner, entry.name, { value: wrapper, writable: descriptor.writable, enumerable: descriptor.enumerable, configurable: true });
    } else {
      owner[entry.name] = wrapper;
    }
    note('wrapped', entry.label);
  }
  function applies(entry) {
    return entry.scope === 'all' || (entry.scope === 'worker' && isWorker);
  }

  var entries = [];
  for (i = 0; i < data.groups.length; i += 1) {
    var group = data.groups[i];
    var names = group[3].split(' ');
    for (var n = 0; n < names.length; n += 1) {
      entries.push({ kind: group[0], scope: group[1], owner: group[2], name: names[n], flexible: group[4] === 1, label: labelOf(group[0], group[1], group[2], names[n]) });
    }
  }
  var constructors = [];
  for (i = 0; i < data.constructors.length; i += 1) {
    var owner = data.constructors[i][0];
    constructors.push({ owner: owner, name: data.constructors[i][1], label: (owner ? owner + '.' : '') + data.constructors[i][1] });
  }
  var keys = [];
  var deepest = 0;
  for (i = 0; i < entries.length; i += 1) {
    keys.push(keyOf(entries[i].name));
    entries[i].depth = entries[i].owner === '' ? 0 : entries[i].owner.split('.').length;
    if (entries[i].depth > deepest) deepest = entries[i].depth;
  }
  // Deeper owners first: Intl.DisplayNames.prototype.of before Intl.DisplayNames itself.
  for (var depth = deepest; depth >= 1; depth -= 1) {
    for (i = 0; i < entries.length; i += 1) {
      var member = entries[i];
      if (member.kind === 'global' || member.depth !== depth || !applies(member)) continue;
      if (keys[i] === undefined) {
        note('absent', member.label);
        continue;
      }
      try {
        removeMember(member, keys[i]);
      } catch (error) {
        note('notRemovable', member.label + ': ' + String(error));
      }
    }
  }
  for (i = 0; i < constructors.length; i += 1) {
    try {
      wrapConstructor(constructors[i]);
    } catch (error) {
      note('notRemovable', constructors[i].label + ' (constructor): ' + String(error));
    }
  }
  for (i = 0; i < entries.length; i += 1) {
    var global = entries[i];
    if (global.kind !== 'global' || !applies(global)) continue;
    try {
      removeGlobal(global, global.name);
    } catch (error) {
      note('notRemovable', global.label + ': ' + String(error));
    }
  }
  try {
    defineProperty(g, '__ondeckFloorShim', { value: record, writable: true, enumerable: false, configurable: true });
  } catch (error) {
    g.__ondeckFloorShim = record;
  }
})();
`;

/** What the shim leaves in `self.__ondeckFloorShim` (see {@link buildFloorShimSource}). */
export interface FloorShimRecord {
  floor: number;
  removed: string[];
  notRemovable: string[];
  misplaced: string[];
  absent: string[];
  wrapped: string[];
  isWorker: boolean;
  runs: number;
}

/**
 * Builds the "floor shim": a self-contained ES5 script that, evaluated first in a window or in a
 * dedicated, shared or service worker global scope, removes what {@link listApisAddedAfter}
 * lists for `floorChromium`, so unguarded use of a newer API fails in Chromium 87+ the way it
 * would on the floor (Tizen 4: Chromium 56). Put it before the SDK's page script, and at the very
 * top of each worker script (`worker` entries apply only where `self instanceof WorkerGlobalScope`).
 *
 * Order and method: members first, those of deeper owners first (`Intl.Segmenter.prototype.segment`,
 * then `Intl.Segmenter`, `Array.prototype.flat`, `BigInt.asIntN`), then constructors
 * newer than their interface are replaced by one that throws `TypeError: Illegal constructor`
 * (keeping `prototype` and the static members, so `instanceof` still works), then globals (from
 * the global object and its prototype chain). Each removal `delete`s an own configurable property
 * in its own try/catch; a non-configurable writable one is set to `undefined`; anything else is
 * listed in `notRemovable`. The outcome is kept in `self.__ondeckFloorShim`:
 * `{ floor, removed, notRemovable, misplaced, absent, wrapped, isWorker, runs }` (`absent`: listed
 * but not in this engine or scope; `misplaced`: found on the other side than BCD suggested).
 * Evaluating it twice is harmless (the second run finds nothing left to do and adds to `runs`).
 *
 * Caveat for drivers: whatever runs in the page after the shim sees the floor too, and that
 * includes Playwright's in-page helper: its result serializer reads `globalThis.Window` on every
 * `page.evaluate` (and the helper names `BigInt64Array` when it is first built), so after a floor
 * below 71 Playwright's evaluate silently resolves to `undefined`. Drive a shimmed page with CDP
 * `Runtime.evaluate` (`awaitPromise`, `returnByValue`; `BrowserSession.sendCdp`) and an ES5
 * envelope, as `floorShim.browser.test.ts` and the Qt WebEngine driver do: `Promise` and `JSON`
 * are all it needs, and no floor removes them (see {@link shimDependencies}). The well-known
 * symbols (`Symbol.asyncIterator`, `Symbol.matchAll`…) are non-configurable, read-only properties
 * of `Symbol` and always end up in `notRemovable`.
 *
 * @param floorChromium the Chromium version to simulate, e.g. 56.
 * @example
 * ```ts
 * const source = buildFloorShimSource(56);
 * // The page: <script src="floor-shim.js"></script> before the SDK's script.
 * await writeFile(join(pageDirectory, 'floor-shim.js'), source);
 * // A worker: the shim at the very top of its script.
 * const workerScript = `${source}\n${await readFile('dist/browser/ondeck-worker.js', 'utf8')}`;
 * // Then drive the page over CDP (see above), and look at what the shim did:
 * await session().sendCdp!('Runtime.evaluate', { expression: 'JSON.stringify(self.__ondeckFloorShim.notRemovable)', returnByValue: true });
 * ```
 */
export function buildFloorShimSource(floorChromium: number, options: FloorShimOptions = {}): string {
  const data = options.data ?? loadInstalledData();
  let webAssemblyFloorChromium = floorChromium;
  if (options.removeWebAssembly === false) {
    const added = chromiumVersionAdded((data.webassembly as Identifier | undefined)?.api?.__compat);
    if (typeof added === 'number') webAssemblyFloorChromium = Math.max(floorChromium, added);
  }
  const list = listApisAddedAfter(floorChromium, { data, webAssemblyFloorChromium });
  const removedDependencies = list.entries.filter((entry) => entry.scope === 'all' && shimDependencies.includes(entry.label));
  if (removedDependencies.length > 0) {
    throw new Error(`the floor-${floorChromium} list would remove what the shim and the test drivers need: ${removedDependencies.map((entry) => entry.label).join(', ')}`);
  }
  // Grouped by (kind, scope, owner) with space-joined names: ~4,000 entries in ~60 KB.
  // Only a member placed without any hint (`default`) may be taken from the other side.
  const groups = new Map<string, [FloorApiKind, FloorApiEntry['scope'], string, string[], 0 | 1]>();
  for (const entry of list.entries) {
    const flexible = entry.placement === 'default' ? 1 : 0;
    const groupKey = `${entry.kind} ${entry.scope} ${entry.owner} ${flexible}`;
    let group = groups.get(groupKey);
    if (!group) groups.set(groupKey, (group = [entry.kind, entry.scope, entry.owner, [], flexible]));
    if (!group[3].includes(entry.name)) group[3].push(entry.name);
  }
  const payload = {
    floor: floorChromium,
    groups: [...groups.values()].map(([kind, scope, owner, names, flexible]) => [kind, scope, owner, names.join(' '), flexible]),
    constructors: list.constructorsAddedAfter.map(({ owner, name }) => [owner, name]),
  };
  return (
    `/* ondeck floor shim: removes what Chromium added after ${floorChromium} (from @mdn/browser-compat-data ${dataVersion(data)}) */\n` +
    shimProgram.replace('DATA', () => JSON.stringify(payload))
  );
}

function dataVersion(data: Pick<CompatData, 'api'> & Partial<Pick<CompatData, '__meta'>>): string {
  return data.__meta?.version ?? 'custom data';
}
