import { describe, expect, it } from 'vitest';
import { InteractionBuilder } from '../../../models/data/InteractionBuilder';
import { selectUsers, transposeMatrix } from '../../../models/data/InteractionMatrix';
import { matrixOf } from '../../support/matrixOf';
import { timesByItem } from '../../support/timesByItem';

/** u0: i0@10 i2@30; u1: i1@20; u2: i0@40 i1@50 i2@60. */
function timedMatrix() {
  const builder = new InteractionBuilder(['i0', 'i1', 'i2']);
  for (const [user, item, time] of [
    ['u0', 'i0', 10],
    ['u0', 'i2', 30],
    ['u1', 'i1', 20],
    ['u2', 'i0', 40],
    ['u2', 'i1', 50],
    ['u2', 'i2', 60],
  ] as const) {
    builder.add(user, item, 1, time);
  }
  return builder.build();
}

describe('InteractionMatrix helpers carry times', () => {
  it('selectUsers keeps each selected entry time, in the new row order', () => {
    const selected = selectUsers(timedMatrix(), [2, 0]);
    expect(selected.userIds).toEqual(['u2', 'u0']);
    expect(Array.from(selected.times!)).toEqual([40, 50, 60, 10, 30]);
    expect(timesByItem(selected, 'u0')).toEqual({ i0: 10, i2: 30 });
  });

  it('transposeMatrix moves each time with its entry', () => {
    const transposed = transposeMatrix(timedMatrix());
    // Row i0 holds users u0 and u2, and so on.
    expect(timesByItem(transposed, 'i0')).toEqual({ u0: 10, u2: 40 });
    expect(timesByItem(transposed, 'i1')).toEqual({ u1: 20, u2: 50 });
    expect(timesByItem(transposed, 'i2')).toEqual({ u0: 30, u2: 60 });
    // Transposing back gives the original times.
    expect(transposeMatrix(transposed).times).toEqual(timedMatrix().times);
  });

  it('adds no times to a matrix without them', () => {
    const untimed = matrixOf(3, [[0, 2], [1]]);
    expect('times' in selectUsers(untimed, [1])).toBe(false);
    expect('times' in transposeMatrix(untimed)).toBe(false);
  });
});
