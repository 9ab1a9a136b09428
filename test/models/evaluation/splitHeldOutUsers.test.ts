import { describe, expect, it } from 'vitest';
import { InteractionBuilder } from '../../../models/data/InteractionBuilder';
import type { InteractionMatrix } from '../../../models/data/InteractionMatrix';
import { splitHeldOutUsers, type HeldOutUser, type SplitOptions } from '../../../models/evaluation/splitHeldOutUsers';
import { countSkippedUsers } from '../../../models/evaluation/countSkippedUsers';
import { isOndeckError } from '../../../models/errors/OndeckError';
import { matrixOf } from '../../support/matrixOf';
import { thrownBy } from '../../support/thrownBy';

/**
 * Hand-built timed histories, `[item, time, weight]` per title (items `i0…i9` are columns 0–9):
 * - u0: 6 titles, in time order i1 i3 i5 i4 i2 i0;
 * - u1: 10 titles, newest first by column (i9 is the oldest);
 * - u2: 4 titles, too few for any protocol (minPositives 5);
 * - u3: 5 titles in column order;
 * - u4: 5 titles watched in the same second (ties keep column order).
 */
const HISTORIES: readonly (readonly (readonly [number, number, number])[])[] = [
  [
    [0, 60, 1],
    [1, 10, 2],
    [2, 50, 3],
    [3, 20, 4],
    [4, 40, 5],
    [5, 30, 6],
  ],
  Array.from({ length: 10 }, (_, k) => [k, 100 - k, 1] as const),
  [
    [0, 1, 1],
    [1, 2, 1],
    [2, 3, 1],
    [3, 4, 1],
  ],
  Array.from({ length: 5 }, (_, k) => [k, 10 + k, 1] as const),
  Array.from({ length: 5 }, (_, k) => [k, 500, 1] as const),
];

function timedMatrix(): InteractionMatrix {
  const builder = new InteractionBuilder(Array.from({ length: 10 }, (_, i) => `i${i}`));
  HISTORIES.forEach((titles, u) => titles.forEach(([item, time, weight]) => builder.add(`u${u}`, `i${item}`, weight, time)));
  return builder.build();
}

/** Every held-out user of every fold, by user index. */
function heldOutByUser(matrix: InteractionMatrix, options: SplitOptions): Map<number, HeldOutUser> {
  const users = new Map<number, HeldOutUser>();
  for (const fold of splitHeldOutUsers(matrix, { folds: 2, ...options })) for (const user of fold.heldOut) users.set(user.user, user);
  return users;
}

/** The fold-in items, the truth items, and the fold-in's weights and times by item. */
function splitOf(user: HeldOutUser | undefined) {
  if (user === undefined) throw new Error('user not held out');
  return {
    foldIn: Array.from(user.history.indices),
    truth: Array.from(user.truth),
    weights: Object.fromEntries(Array.from(user.history.indices, (item, k) => [item, user.history.weights[k]])),
    times: Object.fromEntries(Array.from(user.history.indices, (item, k) => [item, user.history.times![k]])),
  };
}

describe('splitHeldOutUsers: temporal protocol', () => {
  const users = heldOutByUser(timedMatrix(), { protocol: { kind: 'temporal' } });

  it('folds in the first 80% of titles in time and keeps the last 20% as the truth', () => {
    // u0: round(6 × 0.8) = 5 folded in: all but the newest (i0 at 60).
    expect(splitOf(users.get(0))).toMatchObject({ foldIn: [1, 2, 3, 4, 5], truth: [0] });
    // u1: 8 of 10; the newest are i0 (100) and i1 (99).
    expect(splitOf(users.get(1))).toMatchObject({ foldIn: [2, 3, 4, 5, 6, 7, 8, 9], truth: [0, 1] });
    expect(splitOf(users.get(3))).toMatchObject({ foldIn: [0, 1, 2, 3], truth: [4] });
  });

  it('breaks ties in time by column order, so the split is deterministic', () => {
    expect(splitOf(users.get(4))).toMatchObject({ foldIn: [0, 1, 2, 3], truth: [4] });
  });

  it('carries each fold-in title weight and time', () => {
    const u0 = splitOf(users.get(0));
    expect(u0.weights).toEqual({ 1: 2, 2: 3, 3: 4, 4: 5, 5: 6 });
    expect(u0.times).toEqual({ 1: 10, 2: 50, 3: 20, 4: 40, 5: 30 });
  });

  it('holds out every user with enough titles, the same whatever the seed', () => {
    expect([...users.keys()].sort()).toEqual([0, 1, 3, 4]);
    const reseeded = heldOutByUser(timedMatrix(), { protocol: { kind: 'temporal' }, seed: 99 });
    for (const [user, split] of users) expect(splitOf(reseeded.get(user))).toEqual(splitOf(split));
  });
});

describe('splitHeldOutUsers: short-N protocol', () => {
  it('folds in exactly the first N titles in time; the rest is the truth', () => {
    const users = heldOutByUser(timedMatrix(), { protocol: { kind: 'short', foldInTitles: 3 } });
    expect(splitOf(users.get(0))).toMatchObject({ foldIn: [1, 3, 5], truth: [0, 2, 4] });
    expect(splitOf(users.get(1))).toMatchObject({ foldIn: [7, 8, 9], truth: [0, 1, 2, 3, 4, 5, 6] });
    expect(splitOf(users.get(3))).toMatchObject({ foldIn: [0, 1, 2], truth: [3, 4] });
    expect(splitOf(users.get(4))).toMatchObject({ foldIn: [0, 1, 2], truth: [3, 4] });
    const one = heldOutByUser(timedMatrix(), { protocol: { kind: 'short', foldInTitles: 1 } });
    expect(splitOf(one.get(0))).toMatchObject({ foldIn: [1], truth: [0, 2, 3, 4, 5] });
  });

  it('skips users with no title beyond the first N, and counts them', () => {
    const matrix = timedMatrix();
    const cases: readonly [number, number[], number][] = [
      // N, users held out, users skipped (u2 always: 4 titles < minPositives 5)
      [3, [0, 1, 3, 4], 1],
      [5, [0, 1], 3],
      [9, [1], 4],
      [10, [], 5],
    ];
    for (const [n, heldOut, skipped] of cases) {
      const options = { protocol: { kind: 'short', foldInTitles: n } } as const;
      expect([...heldOutByUser(matrix, options).keys()].sort(), `short-${n}`).toEqual(heldOut);
      expect(countSkippedUsers(matrix, options), `short-${n}`).toBe(skipped);
      expect(heldOut.length + skipped).toBe(matrix.userIds.length);
    }
    expect(countSkippedUsers(matrix, { protocol: { kind: 'temporal' } })).toBe(1);
    expect(countSkippedUsers(matrix)).toBe(1);
    expect(countSkippedUsers(matrix, { minPositives: 6 })).toBe(3);
  });
});

describe('splitHeldOutUsers without times', () => {
  const untimed = matrixOf(
    6,
    Array.from({ length: 4 }, () => [0, 1, 2, 3, 4, 5]),
  );

  it.each([[{ kind: 'temporal' }], [{ kind: 'short', foldInTitles: 3 }]] as const)('refuses %o with missing-timestamps', (protocol) => {
    const error = thrownBy(() => splitHeldOutUsers(untimed, { protocol }));
    expect(isOndeckError(error, 'missing-timestamps')).toBe(true);
    expect((error as Error).message).toContain(protocol.kind === 'temporal' ? 'temporal' : 'short-3');
  });

  it('still splits at random, with no times in the histories', () => {
    const users = heldOutByUser(untimed, {});
    expect(users.size).toBe(4);
    for (const user of users.values()) expect(user.history.times).toBeUndefined();
  });
});

describe('splitHeldOutUsers: random protocol on timed data', () => {
  it('is the same split as before times existed, and carries the fold-in times', () => {
    const timed = timedMatrix();
    const { times: _times, ...untimed } = timed;
    const withTimes = splitHeldOutUsers(timed, { folds: 2, seed: 3 });
    const without = splitHeldOutUsers(untimed, { folds: 2, seed: 3 });
    expect(withTimes.map((fold) => fold.heldOut.map((user) => [user.user, Array.from(user.history.indices), Array.from(user.truth)]))).toEqual(
      without.map((fold) => fold.heldOut.map((user) => [user.user, Array.from(user.history.indices), Array.from(user.truth)])),
    );
    expect(splitHeldOutUsers(timed, { folds: 2, seed: 3, protocol: { kind: 'random' } })).toEqual(withTimes);
    const u1 = withTimes.flatMap((fold) => fold.heldOut).find((user) => user.user === 1)!;
    expect(Array.from(u1.history.times!)).toEqual(Array.from(u1.history.indices, (item) => 100 - item));
  });
});
