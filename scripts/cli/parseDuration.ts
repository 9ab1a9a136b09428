import { OndeckError } from '../../models/errors/OndeckError';

const UNIT_SECONDS: Readonly<Record<string, number>> = Object.freeze({ ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400 });

/**
 * Parses a duration flag in seconds: `90`, `90s`, `10m`, `1.5h`, `5d`, `500ms` (a bare number is seconds).
 * The one duration rule of the CLI (`train --tune-budget`, `publish --expires-in`).
 *
 * @throws OndeckError `invalid-argument` naming the flag, for anything else or a duration ≤ 0.
 * @example
 * ```ts
 * parseDuration('tune-budget', '10m'); // 600
 * ```
 */
export function parseDuration(name: string, text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h|d)?\s*$/i.exec(text);
  const seconds = match ? Number(match[1]) * UNIT_SECONDS[(match[2] ?? 's').toLowerCase()] : NaN;
  if (!(seconds > 0)) throw new OndeckError('invalid-argument', { name: `--${name}`, reason: `expected a duration such as 90s, 10m, 1h or 5d, got "${text}"` });
  return seconds;
}

/** A duration for people: `45 s`, `3 min 20 s`, `1 h 5 min`. */
export function formatDuration(seconds: number): string {
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
