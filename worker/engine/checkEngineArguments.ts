import { OndeckError } from '../../models/errors/OndeckError';
import type { HistoryEntry, RecommendFilter, RecommendRequest, RowKind, RowsRequest, TrackEvent } from '../../models/contract/types';
import { TRACK_EVENT_TYPES, isTrackEventType } from '../trackEventTypes';

/**
 * Checks of the arguments of the engine's public methods (what an app passes to the
 * `Recommender`, which reaches the worker unchanged). Apps are plain JavaScript as often as not,
 * so nothing the types promise is assumed: a wrong argument is `invalid-argument` naming it
 * (`details.name`, e.g. `filter.genres`), never a TypeError from deep inside the ranking.
 * `undefined` means "not given" (defaults apply); `null` is a wrong value like any other.
 */

/** Most results one call may ask for (`count`, `perRow`). */
export const MAX_COUNT = 500;

/** Options of `similar()`. */
export interface SimilarOptions {
  readonly count?: number;
  readonly filter?: RecommendFilter;
}

/** The fields of a new profile (`profiles.create`). */
export interface NewProfile {
  readonly name: string;
  readonly maturityLimit?: number;
  readonly id?: string;
}

function fail(name: string, reason: string): never {
  throw new OndeckError('invalid-argument', { name, reason });
}

/** How a wrong value is named in a reason: short, and never the whole object. */
function describe(value: unknown): string {
  if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value` as an options object: `{}` when not given, else it must be a plain object. */
function optionsObject(value: unknown, name: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isRecord(value)) fail(name, `must be an object, got ${describe(value)}`);
  return value;
}

function optionalStrings(value: unknown, name: string): void {
  if (value !== undefined && !(Array.isArray(value) && value.every((entry) => typeof entry === 'string'))) {
    fail(name, `must be an array of strings, got ${describe(value)}`);
  }
}

function optionalFiniteNumber(value: unknown, name: string, min = Number.NEGATIVE_INFINITY): void {
  if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= min)) {
    fail(name, `must be a finite number${min > Number.NEGATIVE_INFINITY ? ` ≥ ${min}` : ''}, got ${describe(value)}`);
  }
}

/**
 * A result count (`count`, `perRow`): `fallback` when not given, else an integer in 1..{@link MAX_COUNT}.
 *
 * @example
 * ```ts
 * checkCount(request.count, 'count', 20); // 20 when absent
 * ```
 */
export function checkCount(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_COUNT) {
    fail(name, `must be an integer in 1..${MAX_COUNT}, got ${describe(value)}`);
  }
  return value;
}

/**
 * A {@link RecommendFilter}, or undefined when none was given.
 *
 * @example
 * ```ts
 * checkFilter({ genres: ['Comedy'], maxMaturityAge: 7 }); // ok
 * checkFilter({ genres: 'Comedy' }); // invalid-argument naming filter.genres
 * ```
 */
export function checkFilter(value: unknown): RecommendFilter | undefined {
  if (value === undefined) return undefined;
  const filter = optionsObject(value, 'filter');
  optionalFiniteNumber(filter.maxMaturityAge, 'filter.maxMaturityAge', 0);
  optionalStrings(filter.genres, 'filter.genres');
  optionalStrings(filter.excludeGenres, 'filter.excludeGenres');
  optionalFiniteNumber(filter.availableAt, 'filter.availableAt');
  return filter as RecommendFilter;
}

/**
 * The request of `recommend()`, `{}` when none was given.
 *
 * @example
 * ```ts
 * const { count, filter } = checkRecommendRequest(request);
 * ```
 */
export function checkRecommendRequest(value: unknown): Required<Pick<RecommendRequest, 'count'>> & RecommendRequest {
  const request = optionsObject(value, 'request');
  const count = checkCount(request.count, 'count', 20);
  const filter = checkFilter(request.filter);
  optionalStrings(request.exclude, 'exclude');
  if (request.explain !== undefined && typeof request.explain !== 'boolean') fail('explain', `must be true or false, got ${describe(request.explain)}`);
  return { ...(request as RecommendRequest), count, filter };
}

/**
 * The arguments of `similar()`: a non-empty title id and its options.
 *
 * @example
 * ```ts
 * const { count, filter } = checkSimilarArguments(itemId, options);
 * ```
 */
export function checkSimilarArguments(itemId: unknown, value: unknown): Required<Pick<SimilarOptions, 'count'>> & SimilarOptions {
  if (typeof itemId !== 'string' || itemId === '') fail('itemId', `must be a non-empty string, got ${describe(itemId)}`);
  const options = optionsObject(value, 'options');
  return { count: checkCount(options.count, 'count', 10), filter: checkFilter(options.filter) };
}

/**
 * The request of `rows()`, `{}` when none was given; `rows` must list kinds of `kinds`.
 *
 * @example
 * ```ts
 * const { rows, perRow } = checkRowsRequest(request, ROW_KINDS);
 * ```
 */
export function checkRowsRequest(value: unknown, kinds: readonly RowKind[]): Required<Pick<RowsRequest, 'rows' | 'perRow'>> & RowsRequest {
  const request = optionsObject(value, 'request');
  const rows = request.rows === undefined ? kinds : request.rows;
  if (!Array.isArray(rows)) fail('rows', `must be an array of row kinds (${kinds.join(', ')}), got ${describe(rows)}`);
  for (const kind of rows) {
    if (kinds.indexOf(kind as RowKind) < 0) fail('rows', `unknown row kind ${describe(kind)}; one of ${kinds.join(', ')}`);
  }
  return { rows: rows as RowKind[], perRow: checkCount(request.perRow, 'perRow', 10), filter: checkFilter(request.filter) };
}

/**
 * Validates a tracked event; returns the history entry to store. Something that is not an event
 * object at all is `invalid-argument` (`event`); an event object with a bad field is
 * `malformed-event`, and fields other than those of a {@link HistoryEntry} are ignored.
 *
 * @example
 * ```ts
 * const entry = checkTrackEvent({ type: 'play', itemId: 'tt0111161' }); // time: now
 * ```
 */
export function checkTrackEvent(value: unknown): HistoryEntry {
  if (!isRecord(value)) fail('event', `must be an event object, got ${describe(value)}`);
  const event = value as Partial<TrackEvent>;
  const malformed = (reason: string): never => {
    throw new OndeckError('malformed-event', { reason });
  };
  if (!isTrackEventType(event.type)) malformed(`type must be one of ${TRACK_EVENT_TYPES.join(', ')}, got ${JSON.stringify(event.type)}`);
  if (typeof event.itemId !== 'string' || event.itemId === '' || event.itemId.length > 256) malformed('itemId must be a non-empty string');
  const time = event.time ?? Date.now();
  // Ten years either side of now: anything further is a unit mistake (seconds vs ms) or garbage.
  if (typeof time !== 'number' || !Number.isFinite(time) || Math.abs(time - Date.now()) > 3.2e11) malformed(`time must be ms since the epoch, got ${String(event.time)}`);
  if (event.progress !== undefined && !(typeof event.progress === 'number' && event.progress >= 0 && event.progress <= 1))
    malformed(`progress must be in 0..1, got ${String(event.progress)}`);
  return { itemId: event.itemId!, type: event.type!, time, ...(event.progress !== undefined ? { progress: event.progress } : {}) };
}

/**
 * A profile id argument (`profiles.switch`, `profiles.delete`, a new profile's `id`).
 *
 * @example
 * ```ts
 * checkProfileIdArgument('kids'); // ok
 * ```
 */
export function checkProfileIdArgument(id: unknown): string {
  if (typeof id !== 'string' || id === '') fail('profile id', `must be a non-empty string, got ${describe(id)}`);
  return id;
}

/**
 * The fields of `profiles.create()`: a name of 1..100 characters (trimmed), an optional age limit
 * in 0..21 and an optional id.
 *
 * @example
 * ```ts
 * const { name, maturityLimit, id } = checkNewProfile({ name: ' Kids ', maturityLimit: 7 }); // name 'Kids'
 * ```
 */
export function checkNewProfile(value: unknown): NewProfile {
  if (!isRecord(value)) fail('profile', `must be an object with a name, got ${describe(value)}`);
  const { name, maturityLimit, id } = value;
  if (typeof name !== 'string' || name.trim() === '' || name.length > 100) fail('profile name', 'a non-empty string of at most 100 characters');
  if (maturityLimit !== undefined && !(typeof maturityLimit === 'number' && Number.isInteger(maturityLimit) && maturityLimit >= 0 && maturityLimit <= 21)) {
    fail('maturityLimit', `an integer age in 0..21, got ${describe(maturityLimit)}`);
  }
  return {
    name: name.trim(),
    ...(maturityLimit !== undefined ? { maturityLimit } : {}),
    ...(id !== undefined ? { id: checkProfileIdArgument(id) } : {}),
  };
}

/**
 * The URL argument of `updateModel()`: undefined (use the configured one) or a non-empty string.
 *
 * @example
 * ```ts
 * const url = checkModelUrl(argument) ?? options.modelUrl;
 * ```
 */
export function checkModelUrl(url: unknown): string | undefined {
  if (url !== undefined && (typeof url !== 'string' || url === '')) fail('url', `must be a non-empty string, got ${describe(url)}`);
  return url;
}
