import type { HistoryEntry } from '../../models/contract/types';
import type { UserHistory } from '../../models/scoring/ScoringModel';
import { DEFAULT_RECENCY_HALF_LIFE_DAYS, recencyDecay } from '../../models/scoring/recencyDecay';

/** Tunables of {@link historyToInteractions}, documented in docs/device.md. */
export interface ConfidenceRules {
  /** An interaction's weight halves every this many days ({@link recencyDecay}, shared with the cloud). @defaultValue 30 */
  readonly halfLifeDays: number;
  /** Weight of a title that was started (play, or any progress below 0.5). @defaultValue 0.5 */
  readonly startedWeight: number;
  /** Weight of a title watched to the end (complete, or progress ≥ 0.9). @defaultValue 2 */
  readonly completedWeight: number;
  /** Extra weight of an explicit like. @defaultValue 2 */
  readonly likeBonus: number;
}

/** The defaults of {@link ConfidenceRules}. */
export const DEFAULT_CONFIDENCE_RULES: Readonly<ConfidenceRules> = Object.freeze({
  halfLifeDays: DEFAULT_RECENCY_HALF_LIFE_DAYS,
  startedWeight: 0.5,
  completedWeight: 2,
  likeBonus: 2,
});

/** What a profile's history means to the model. */
export interface InterpretedHistory {
  /** Positive interactions for the fold-in (item indices ascending, weights > 0). */
  readonly history: UserHistory;
  /** Titles the viewer hid or disliked: never recommended, never folded in. */
  readonly hidden: ReadonlySet<number>;
  /** Titles started but not finished, most recent first, with their progress (Continue watching). */
  readonly inProgress: readonly { readonly item: number; readonly progress: number; readonly time: number }[];
  /** Positive titles, most recently watched first (anchors for "Because you watched"). */
  readonly recent: readonly number[];
}

/**
 * Turns raw events into fold-in weights. Per title: the strongest engagement seen counts
 * (started 0.5, scaled by progress up to completed 2), plus 2 for a like, then decays with the
 * age of the latest event (half-life 30 days, `recencyDecay`, the rule the cloud applies too), so
 * old viewing fades without being forgotten.
 * A `hide` or `dislike` removes the title from the fold-in and from every list until the
 * viewer plays it again.
 *
 * @param indexOf catalog index of an item id (undefined for ids the model does not know).
 * @example
 * ```ts
 * const { history, hidden } = historyToInteractions(entries, (id) => index.get(id), Date.now());
 * ```
 */
export function historyToInteractions(
  entries: readonly HistoryEntry[],
  indexOf: (itemId: string) => number | undefined,
  now: number,
  rules: ConfidenceRules = DEFAULT_CONFIDENCE_RULES,
): InterpretedHistory {
  interface Aggregate {
    engagement: number;
    liked: boolean;
    hidden: boolean;
    progress: number;
    completed: boolean;
    lastTime: number;
    lastPlay: number;
  }
  const byItem = new Map<number, Aggregate>();
  for (const entry of entries) {
    const item = indexOf(entry.itemId);
    if (item === undefined) continue;
    let aggregate = byItem.get(item);
    if (!aggregate) {
      aggregate = { engagement: 0, liked: false, hidden: false, progress: 0, completed: false, lastTime: 0, lastPlay: 0 };
      byItem.set(item, aggregate);
    }
    aggregate.lastTime = Math.max(aggregate.lastTime, entry.time);
    switch (entry.type) {
      case 'play':
      case 'progress':
      case 'complete': {
        const progress = entry.type === 'complete' ? 1 : clamp01(entry.progress ?? 0);
        aggregate.progress = entry.type === 'play' && aggregate.completed ? aggregate.progress : progress;
        aggregate.completed = aggregate.completed || progress >= 0.9;
        const engagement = progress >= 0.9 ? rules.completedWeight : rules.startedWeight + ((rules.completedWeight - rules.startedWeight) * Math.max(0, progress - 0.1)) / 0.8;
        aggregate.engagement = Math.max(aggregate.engagement, engagement);
        // Watching a title again un-hides it: the latest intent wins.
        aggregate.hidden = false;
        aggregate.lastPlay = Math.max(aggregate.lastPlay, entry.time);
        break;
      }
      case 'like':
        aggregate.liked = true;
        aggregate.hidden = false;
        break;
      case 'dislike':
      case 'hide':
        aggregate.hidden = true;
        aggregate.liked = false;
        break;
    }
  }
  const positives: { item: number; weight: number }[] = [];
  const hidden = new Set<number>();
  const inProgress: { item: number; progress: number; time: number }[] = [];
  const recent: { item: number; time: number }[] = [];
  for (const [item, aggregate] of byItem) {
    if (aggregate.hidden) {
      hidden.add(item);
      continue;
    }
    const base = aggregate.engagement + (aggregate.liked ? rules.likeBonus : 0);
    if (base <= 0) continue;
    // Times here are epoch milliseconds; the shared rule takes seconds.
    positives.push({ item, weight: base * recencyDecay((now - aggregate.lastTime) / 1000, rules.halfLifeDays) });
    if (aggregate.lastPlay > 0) recent.push({ item, time: aggregate.lastPlay });
    if (!aggregate.completed && aggregate.progress > 0.02) inProgress.push({ item, progress: aggregate.progress, time: aggregate.lastPlay });
  }
  positives.sort((a, b) => a.item - b.item);
  inProgress.sort((a, b) => b.time - a.time);
  recent.sort((a, b) => b.time - a.time);
  return {
    history: { indices: Int32Array.from(positives, (p) => p.item), weights: Float32Array.from(positives, (p) => p.weight) },
    hidden,
    inProgress,
    recent: recent.map((r) => r.item),
  };
}

function clamp01(value: number): number {
  return value < 0 ? 0 : value > 1 ? 1 : value;
}
