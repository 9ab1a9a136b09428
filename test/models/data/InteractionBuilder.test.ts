import { describe, expect, it } from 'vitest';
import { InteractionBuilder } from '../../../models/data/InteractionBuilder';
import { isOndeckError } from '../../../models/errors/OndeckError';
import { timesByItem } from '../../support/timesByItem';
import { thrownBy } from '../../support/thrownBy';

describe('InteractionBuilder times', () => {
  it('keeps each entry time aligned with its item, the latest one where events were summed', () => {
    const builder = new InteractionBuilder();
    builder.add('a', 'y', 1, 500);
    builder.add('a', 'x', 2, 300);
    builder.add('b', 'x', 1, 100);
    builder.add('a', 'x', 1, 900); // duplicate, later
    builder.add('a', 'y', 1, 200); // duplicate, earlier
    const matrix = builder.build();
    expect(Array.from(matrix.weights)).toEqual([2, 3, 1]); // a: y, x (column order: y first); b: x
    expect(matrix.times).toBeInstanceOf(Float64Array);
    expect(timesByItem(matrix, 'a')).toEqual({ x: 900, y: 500 });
    expect(timesByItem(matrix, 'b')).toEqual({ x: 100 });
    expect(builder.stats).toEqual({ eventsAdded: 5, duplicatesAggregated: 2, eventsWithTime: 5 });
  });

  it('keeps times through growth past the initial capacity', () => {
    const builder = new InteractionBuilder();
    for (let e = 0; e < 3000; e++) builder.add(`u${e % 7}`, `i${e}`, 1, 1_000_000 + e);
    const { times, indices, indptr } = builder.build();
    expect(times).toHaveLength(3000);
    // Item i{e} was added with time 1_000_000 + e, and columns are numbered in arrival order.
    for (let e = 0; e < indices.length; e++) expect(times![e]).toBe(1_000_000 + indices[e]);
    expect(indptr[7]).toBe(3000);
  });

  it('builds no times when no event or only some events had one', () => {
    const none = new InteractionBuilder();
    none.add('a', 'x');
    expect(none.build().times).toBeUndefined();
    const partly = new InteractionBuilder();
    partly.add('a', 'x', 1, 10);
    partly.add('a', 'y');
    partly.add('b', 'x', 1, 30);
    const matrix = partly.build();
    expect(matrix.times).toBeUndefined();
    expect(partly.stats.eventsWithTime).toBe(2);
    // An untimed first event, then timed ones: still partly timed.
    const late = new InteractionBuilder();
    late.add('a', 'x');
    late.add('a', 'y', 1, 5);
    expect(late.build().times).toBeUndefined();
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY])('refuses the time %s as invalid-argument', (time) => {
    const builder = new InteractionBuilder();
    const error = thrownBy(() => builder.add('a', 'x', 1, time));
    expect(isOndeckError(error, 'invalid-argument')).toBe(true);
    expect(builder.eventCount).toBe(0);
  });
});
