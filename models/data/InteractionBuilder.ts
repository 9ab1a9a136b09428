import type { InteractionMatrix } from './InteractionMatrix';
import { OndeckError } from '../errors/OndeckError';

/** Counters the builder keeps while events stream in. */
export interface InteractionBuildStats {
  /** Events handed to {@link InteractionBuilder.add}. */
  readonly eventsAdded: number;
  /** Events that landed on a (user, item) pair already seen and were summed into it. */
  readonly duplicatesAggregated: number;
  /** Events added with a time. The built matrix has `times` only when this equals `eventsAdded`. */
  readonly eventsWithTime: number;
}

/**
 * Accumulates (user, item, weight[, time]) events of any size into an {@link InteractionMatrix}.
 *
 * Ids are interned as they arrive, events are kept in growable typed arrays (10M events cost
 * ~120 MB, not millions of objects; ~80 MB more with times), and {@link build} sorts them by user
 * then item, summing duplicate pairs and keeping the latest time of each.
 *
 * @example
 * ```ts
 * const builder = new InteractionBuilder();
 * builder.add('alice', 'm1', 1, 1_700_000_000);
 * builder.add('alice', 'm1', 2, 1_700_000_900); // summed: weight 3, time 1_700_000_900
 * const matrix = builder.build();
 * ```
 */
export class InteractionBuilder {
  private readonly userIndex = new Map<string, number>();
  private readonly itemIndex = new Map<string, number>();
  private readonly userIds: string[] = [];
  private readonly itemIds: string[] = [];
  private users = new Int32Array(1024);
  private items = new Int32Array(1024);
  private weights = new Float32Array(1024);
  /** Allocated at the first timed event; NaN marks an event without a time. */
  private times: Float64Array | undefined;
  private timed = 0;
  private size = 0;
  private duplicates = 0;

  /**
   * @param knownItemIds items that must exist as columns even with no events (e.g. the whole
   *   catalog from item metadata), in the order their columns should take.
   */
  constructor(knownItemIds: Iterable<string> = []) {
    for (const id of knownItemIds) this.internItem(id);
  }

  /**
   * Adds one event. `weight` must be finite and > 0, `time` (epoch seconds) finite when given
   * (callers filter and count bad rows).
   */
  add(userId: string, itemId: string, weight = 1, time?: number): void {
    if (!(weight > 0) || !Number.isFinite(weight)) {
      throw new OndeckError('invalid-argument', { name: 'weight', value: weight, reason: `weight must be a finite number > 0, got ${weight}` });
    }
    if (time !== undefined && !Number.isFinite(time)) {
      throw new OndeckError('invalid-argument', { name: 'time', value: time, reason: `time must be a finite number of epoch seconds, got ${time}` });
    }
    if (this.size === this.users.length) this.grow();
    if (time !== undefined) {
      if (this.times === undefined) this.times = new Float64Array(this.users.length).fill(Number.NaN, 0, this.size);
      this.times[this.size] = time;
      this.timed++;
    } else if (this.times !== undefined) {
      this.times[this.size] = Number.NaN;
    }
    let user = this.userIndex.get(userId);
    if (user === undefined) {
      user = this.userIds.length;
      this.userIndex.set(userId, user);
      this.userIds.push(userId);
    }
    this.users[this.size] = user;
    this.items[this.size] = this.internItem(itemId);
    this.weights[this.size] = weight;
    this.size++;
  }

  /** Index the item has (or will have) as a column. */
  internItem(itemId: string): number {
    let item = this.itemIndex.get(itemId);
    if (item === undefined) {
      item = this.itemIds.length;
      this.itemIndex.set(itemId, item);
      this.itemIds.push(itemId);
    }
    return item;
  }

  /** Number of events added so far. */
  get eventCount(): number {
    return this.size;
  }

  /** Counters for the load report. Meaningful after {@link build}. */
  get stats(): InteractionBuildStats {
    return { eventsAdded: this.size, duplicatesAggregated: this.duplicates, eventsWithTime: this.timed };
  }

  /**
   * Sorts, aggregates duplicates and returns the CSR matrix, with `times` (the latest time of
   * each entry) only when every event had one: a partly timed matrix would order some titles by
   * time and others by nothing.
   */
  build(): InteractionMatrix {
    const eventTimes = this.size > 0 && this.timed === this.size ? this.times : undefined;
    const rows = this.userIds.length;
    const rowStart = new Int32Array(rows + 1);
    for (let e = 0; e < this.size; e++) rowStart[this.users[e] + 1]++;
    for (let r = 0; r < rows; r++) rowStart[r + 1] += rowStart[r];
    // Counting sort by user keeps this O(events); each row is then sorted by item on its own.
    const cursor = rowStart.slice(0, rows);
    const byUserItems = new Int32Array(this.size);
    const byUserWeights = new Float32Array(this.size);
    const byUserTimes = eventTimes === undefined ? undefined : new Float64Array(this.size);
    for (let e = 0; e < this.size; e++) {
      const slot = cursor[this.users[e]]++;
      byUserItems[slot] = this.items[e];
      byUserWeights[slot] = this.weights[e];
      if (byUserTimes !== undefined) byUserTimes[slot] = eventTimes![e];
    }
    const indptr = new Int32Array(rows + 1);
    const indices = new Int32Array(this.size);
    const weights = new Float32Array(this.size);
    const times = byUserTimes === undefined ? undefined : new Float64Array(this.size);
    let out = 0;
    let order = new Int32Array(64);
    this.duplicates = 0;
    for (let r = 0; r < rows; r++) {
      const start = rowStart[r];
      const length = rowStart[r + 1] - start;
      if (order.length < length) order = new Int32Array(length * 2);
      const view = order.subarray(0, length);
      for (let i = 0; i < length; i++) view[i] = start + i;
      view.sort((a, b) => byUserItems[a] - byUserItems[b] || a - b);
      let previous = -1;
      for (let i = 0; i < length; i++) {
        const e = view[i];
        const item = byUserItems[e];
        if (item === previous) {
          weights[out - 1] += byUserWeights[e];
          if (times !== undefined && byUserTimes![e] > times[out - 1]) times[out - 1] = byUserTimes![e];
          this.duplicates++;
        } else {
          indices[out] = item;
          weights[out] = byUserWeights[e];
          if (times !== undefined) times[out] = byUserTimes![e];
          out++;
          previous = item;
        }
      }
      indptr[r + 1] = out;
    }
    const matrix: InteractionMatrix = {
      userIds: this.userIds.slice(),
      itemIds: this.itemIds.slice(),
      indptr,
      indices: indices.slice(0, out),
      weights: weights.slice(0, out),
    };
    return times === undefined ? matrix : { ...matrix, times: times.slice(0, out) };
  }

  private grow(): void {
    const capacity = this.users.length * 2;
    const users = new Int32Array(capacity);
    users.set(this.users);
    const items = new Int32Array(capacity);
    items.set(this.items);
    const weights = new Float32Array(capacity);
    weights.set(this.weights);
    if (this.times !== undefined) {
      const times = new Float64Array(capacity);
      times.set(this.times);
      this.times = times;
    }
    this.users = users;
    this.items = items;
    this.weights = weights;
  }
}
