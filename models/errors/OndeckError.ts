/**
 * Every failure ondeck reports on purpose is an {@link OndeckError}: one class, a `code` from a
 * closed union, a message from one code→text table, and structured `details`. Callers switch on
 * `code`; humans read `message`. (Shape learned from workbox's `WorkboxError`.)
 */

/** All error codes ondeck can raise. */
export type OndeckErrorCode =
  | 'unknown-format'
  | 'file-not-found'
  | 'malformed-input'
  | 'empty-data'
  | 'missing-timestamps'
  | 'invalid-argument'
  | 'invalid-encoding'
  | 'model-not-found'
  | 'model-version-mismatch'
  | 'model-corrupt'
  | 'dimension-mismatch'
  | 'unknown-item'
  | 'backend-unavailable'
  | 'training-failed'
  | 'import-failed'
  | 'network-failed'
  | 'not-ready'
  | 'unknown-profile'
  | 'malformed-event'
  | 'worker-crashed'
  | 'unsupported-engine'
  | 'disposed'
  | 'storage-unavailable'
  | 'storage-quota'
  | 'storage-failed'
  | 'history-record-invalid'
  | 'signature-invalid'
  | 'sync-refused'
  | 'sync-timeout'
  | 'sync-expired'
  | 'sync-manifest-invalid'
  | 'sync-delta-invalid'
  | 'sync-lineage-mismatch'
  | 'publication-locked';

/** Free-form structured context attached to an error (file, line, expected, got, …). */
export type OndeckErrorDetails = Record<string, unknown>;

const messages: Record<OndeckErrorCode, (details: OndeckErrorDetails) => string> = {
  'unknown-format': (d) => `Cannot tell the data format of ${String(d.path ?? 'the input')}` + (d.hint ? `: ${String(d.hint)}` : ''),
  'file-not-found': (d) => `File or directory not found: ${String(d.path)}`,
  'malformed-input': (d) => `Malformed input${d.file ? ` in ${String(d.file)}` : ''}${d.line ? ` at line ${String(d.line)}` : ''}: ${String(d.reason ?? 'unreadable')}`,
  'empty-data': (d) => `No usable interactions${d.path ? ` in ${String(d.path)}` : ''}${d.reason ? ` (${String(d.reason)})` : ''}`,
  'missing-timestamps': (d) =>
    `${d.path ? String(d.path) : 'The data set'} has no timestamps, which ${d.needer ? String(d.needer) : `the ${String(d.protocol ?? 'requested')} protocol`} needs (it orders each viewer's titles by time); ` +
    'use data with a time column (MovieLens ratings, a CSV timestamp/time/ts column, JSON Lines "timestamp" on every line, `ondeck synth`) or --protocol random',
  'invalid-argument': (d) => `Invalid ${String(d.name ?? 'argument')}: ${String(d.reason ?? d.value)}`,
  'invalid-encoding': (d) => `${String(d.file ?? 'Input')} is not valid UTF-8${d.line ? ` (line ${String(d.line)})` : ''}`,
  'model-not-found': (d) => `No ondeck model at ${String(d.path)}`,
  'model-version-mismatch': (d) => `Model format version ${String(d.got)} is not supported (this ondeck reads version ${String(d.expected)})`,
  'model-corrupt': (d) => `Model is corrupt${d.file ? ` (${String(d.file)})` : ''}: ${String(d.reason)}`,
  'dimension-mismatch': (d) => `Dimension mismatch: expected ${String(d.expected)}, got ${String(d.got)}${d.what ? ` for ${String(d.what)}` : ''}`,
  'unknown-item': (d) => `Unknown item id: ${String(d.id)}`,
  'backend-unavailable': (d) => `Scoring backend "${String(d.backend)}" is unavailable: ${String(d.reason)}`,
  'training-failed': (d) => `Training failed: ${String(d.reason)}`,
  'network-failed': (d) => `Download of ${String(d.url)} failed: ${String(d.reason)}`,
  'not-ready': (d) => `The recommender has no model yet${d.reason ? ` (${String(d.reason)})` : ''}; wait for ready or pass modelUrl`,
  'unknown-profile': (d) => `No profile with id "${String(d.id)}"`,
  'malformed-event': (d) => `Malformed event: ${String(d.reason)}`,
  'worker-crashed': (d) => `The recommender's worker stopped${d.reason ? `: ${String(d.reason)}` : ''}; it is being restarted`,
  'unsupported-engine': (d) =>
    `This engine lacks ${Array.isArray(d.missing) ? d.missing.join(', ') : String(d.missing)}, which ondeck needs${d.where ? ` in its ${String(d.where)}` : ''}; ` +
    'supported: Chromium 56+ (Tizen 4+, webOS 5+) and WPE WebKit 2.38+',
  disposed: () => 'The recommender was disposed',
  'import-failed': (d) => `Import failed${d.path ? ` for ${String(d.path)}` : ''}: ${String(d.reason)}`,
  'storage-unavailable': (d) => `IndexedDB is unavailable (${String(d.reason ?? 'unknown reason')}); models and history are kept in memory for this session`,
  'storage-quota': (d) => `Storage quota exceeded during ${String(d.operation ?? 'a write')}; models and history are kept in memory for this session`,
  'storage-failed': (d) =>
    `Storage failed during ${String(d.operation ?? 'an operation')}: ${String(d.reason ?? 'unknown reason')}; models and history are kept in memory for this session`,
  'history-record-invalid': (d) =>
    `${String(d.count ?? 'Some')} stored history record(s) of profile "${String(d.profileId)}" are unreadable and were skipped` +
    `${d.reason ? ` (first: ${String(d.reason)})` : ''}; the rest of the history is used`,
  'signature-invalid': (d) => `The sync manifest's signature is not valid${d.reason ? ` (${String(d.reason)})` : ''}; the current model is kept`,
  'sync-refused': (d) => `Sync refused: ${String(d.reason)}; the current model is kept`,
  'sync-timeout': (d) => `Sync of ${String(d.url)} was cut off: ${String(d.reason)}; the current model is kept and the next attempt resumes`,
  'sync-expired': (d) =>
    `The newest sync manifest this device can get (version ${String(d.version)}) expired at ${String(d.expires)}: the publisher has not refreshed it, or someone is replaying an old one; ` +
    'the current model is kept and serves, stale',
  'sync-manifest-invalid': (d) => `The sync manifest is invalid${d.field ? ` (${String(d.field)})` : ''}: ${String(d.reason)}`,
  'sync-delta-invalid': (d) => `Sync ${String(d.blob ?? 'blob')} cannot be applied: ${String(d.reason)}`,
  'sync-lineage-mismatch': (d) =>
    `The model does not continue the published lineage: ${String(d.reason)}; pass --new-lineage to start a new one (devices then download a full snapshot)`,
  'publication-locked': (d) =>
    `The publish directory ${String(d.directory)} is locked by ` +
    (d.pid !== undefined
      ? `${String(d.operation)} (pid ${String(d.pid)} on ${String(d.hostname)}, since ${String(d.startedAt)})`
      : `an unreadable lock file: ${String(d.reason)}`) +
    `; another ondeck publish, rollback or prune may be writing it. Retry when it has finished; if that process is not running any more (killed, or its machine went down), delete ${String(d.lockFile)} by hand`,
};

/**
 * The one error class ondeck throws on purpose.
 *
 * @example
 * ```ts
 * try { await loadDataset('data/') } catch (e) {
 *   if (e instanceof OndeckError && e.code === 'unknown-format') console.error(e.message);
 * }
 * ```
 */
export class OndeckError extends Error {
  /** Machine-readable reason; stable across releases. */
  readonly code: OndeckErrorCode;
  /** Structured context (file, line, expected and actual values …). */
  readonly details: OndeckErrorDetails;

  constructor(code: OndeckErrorCode, details: OndeckErrorDetails = {}) {
    super(formatMessage(code, details));
    this.name = 'OndeckError';
    this.code = code;
    this.details = details;
  }
}

/**
 * The message of `code`. Details often hold values read from outside (a manifest's `formatVersion`,
 * a record's field): one with no string form (`{ "toString": false }` from JSON, a null-prototype
 * object) made `String()` throw a raw TypeError in place of the OndeckError (found by fuzzing,
 * issue 12); such values are described as JSON instead.
 */
function formatMessage(code: OndeckErrorCode, details: OndeckErrorDetails): string {
  try {
    return messages[code](details);
  } catch {
    // A loop, not Object.fromEntries: this module ships in the browser bundles (Chromium 56 floor; fromEntries is 73).
    const printable: OndeckErrorDetails = {};
    for (const key of Object.keys(details)) printable[key] = printableDetail(details[key]);
    return messages[code](printable);
  }
}

function printableDetail(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  try {
    return String(value);
  } catch {
    try {
      return JSON.stringify(value) ?? Object.prototype.toString.call(value);
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
}

/** True when `value` is an {@link OndeckError}, optionally of the given code. */
export function isOndeckError(value: unknown, code?: OndeckErrorCode): value is OndeckError {
  return value instanceof OndeckError && (code === undefined || value.code === code);
}
