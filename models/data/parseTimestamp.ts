/** An ISO 8601 date, optionally with a time of day and a zone: what JSON and CSV exports write. */
const ISO_DATE_TIME = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Reads an event time as epoch seconds, strictly: a finite number (or numeric text) is taken as
 * epoch seconds; an ISO 8601 date or date-time (`2024-05-01`, `2024-05-01T10:00:00Z`,
 * `2024-05-01 10:00:00+02:00`) is converted, a date-time without a zone being read as UTC so the
 * result does not depend on the machine's time zone. Anything else (empty text, `NaN`, a word, a
 * date `Date.parse` would guess at) is `undefined`, and the caller treats the line as malformed.
 *
 * @example
 * ```ts
 * parseTimestamp('964982703');            // 964982703
 * parseTimestamp(1_700_000_000.5);        // 1700000000.5
 * parseTimestamp('2024-05-01T10:00:00Z'); // 1714557600
 * parseTimestamp('yesterday');            // undefined
 * ```
 */
export function parseTimestamp(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  const number = Number(text);
  if (Number.isFinite(number)) return number;
  const iso = ISO_DATE_TIME.exec(text);
  if (iso === null) return undefined;
  const [, date, time, zone] = iso;
  // Date.parse is specified for `+hh:mm` only; `+hhmm` is normalised rather than left to the engine.
  const offset = zone === undefined ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const milliseconds = Date.parse(time === undefined ? `${date}T00:00:00Z` : `${date}T${time}${offset}`);
  return Number.isFinite(milliseconds) ? milliseconds / 1000 : undefined;
}
