import { OndeckError } from '../errors/OndeckError';
import type { UserHistory } from './ScoringModel';

/**
 * Days in which a title's fold-in weight halves, on the device and in the cloud. 30, not the 90 it
 * was: on validation viewers (a fifth of the training users, iALS int8 on-device, no prior),
 * next-watches NDCG@100 was 0.2724 at 30 days against 0.2657 at 90 and 0.2550 without recency
 * on the drifting synthetic catalog, 0.2058 against 0.2044 and 0.2026 on ml-latest-small, and
 * new profiles of 3 and 5 titles moved by less than 0.001 (docs/evaluation.md, "Recency").
 */
export const DEFAULT_RECENCY_HALF_LIFE_DAYS = 30;

const SECONDS_PER_DAY = 86_400;

/**
 * The recency rule the device applies to a viewer's history (docs/device.md, "How history becomes a
 * viewer vector"): a title's weight is multiplied by `2^(−age / halfLife)`, age being the time since
 * its latest event. Old viewing fades without being forgotten. One implementation for the device
 * (`historyToInteractions`), `ondeck recommend` and the evaluation's on-device row, so the cloud
 * measures what the TV computes.
 *
 * An age below 0 (an event "in the future", a clock set wrong) counts as 0: it never weighs more
 * than a title watched just now.
 *
 * @param ageSeconds seconds since the title's latest event.
 * @example
 * ```ts
 * recencyDecay(30 * 86_400); // 0.5
 * ```
 */
export function recencyDecay(ageSeconds: number, halfLifeDays: number = DEFAULT_RECENCY_HALF_LIFE_DAYS): number {
  return 2 ** (-Math.max(0, ageSeconds) / (halfLifeDays * SECONDS_PER_DAY));
}

/**
 * `history` with each weight multiplied by {@link recencyDecay} of its title's age at `now`
 * (epoch seconds, like `times`). `now` defaults to the newest time of the history: a batch of old
 * histories (`ondeck recommend`, the evaluation) is weighted as at the moment of its latest event,
 * as a device weights a history it has just been given.
 *
 * @param times epoch seconds of each title's latest event, aligned with `history.indices`.
 * @throws OndeckError `invalid-argument` when `times` is not as long as the history or holds a
 *   value that is not finite, or for a half-life that is not a finite number of days > 0.
 * @example
 * ```ts
 * const weighted = weightByRecency({ indices, weights }, Float64Array.of(1.7e9, 1.69e9));
 * ```
 */
export function weightByRecency(history: UserHistory, times: ArrayLike<number>, halfLifeDays: number = DEFAULT_RECENCY_HALF_LIFE_DAYS, now?: number): UserHistory {
  checkRecencyHalfLife(halfLifeDays);
  const length = history.indices.length;
  if (times.length !== length) throw new OndeckError('invalid-argument', { name: 'times', reason: `${length} items but ${times.length} times` });
  let newest = -Infinity;
  for (let i = 0; i < length; i++) {
    if (!Number.isFinite(times[i])) throw new OndeckError('invalid-argument', { name: 'times', reason: `time ${i} is ${times[i]}, not a finite number of epoch seconds` });
    newest = Math.max(newest, times[i]);
  }
  const at = now ?? newest;
  const weights = new Float32Array(length);
  for (let i = 0; i < length; i++) weights[i] = history.weights[i] * recencyDecay(at - times[i], halfLifeDays);
  return { indices: history.indices, weights };
}

/**
 * Checks a recency half-life in days.
 *
 * @throws OndeckError `invalid-argument` unless it is a finite number > 0.
 * @example
 * ```ts
 * checkRecencyHalfLife(30);
 * ```
 */
export function checkRecencyHalfLife(halfLifeDays: number): void {
  if (!(halfLifeDays > 0) || !Number.isFinite(halfLifeDays)) {
    throw new OndeckError('invalid-argument', { name: 'half-life', value: halfLifeDays, reason: `the recency half-life must be a finite number of days > 0, got ${halfLifeDays}` });
  }
}
