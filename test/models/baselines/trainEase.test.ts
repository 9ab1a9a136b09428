import { describe, it, expect } from 'vitest';
import { trainEase } from '../../../models/baselines/trainEase';
import { isOndeckError, type OndeckErrorCode } from '../../../models/errors/OndeckError';
import type { InteractionMatrix } from '../../../models/data/InteractionMatrix';
import { SeededRandom } from '../../../models/random';
import { historyOf, matrixOf } from '../../support/matrixOf';

const context = { items: new Map(), seed: 1 };

function expectCode(call: () => unknown, code: OndeckErrorCode): void {
  let caught: unknown;
  try {
    call();
  } catch (error) {
    caught = error;
  }
  expect(isOndeckError(caught, code)).toBe(true);
}

/** Gauss–Jordan inverse with partial pivoting: a reference independent of the Cholesky code. */
function referenceInverse(a: number[][]): number[][] {
  const n = a.length;
  const m = a.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[pivot][c])) pivot = r;
    [m[c], m[pivot]] = [m[pivot], m[c]];
    const scale = m[c][c];
    for (let j = 0; j < 2 * n; j++) m[c][j] /= scale;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const factor = m[r][c];
      for (let j = 0; j < 2 * n; j++) m[r][j] -= factor * m[c][j];
    }
  }
  return m.map((row) => row.slice(n));
}

/** EASE by the book on a dense copy: B = I − P·diag(1/diag P), P = (XᵀX + λI)⁻¹, scores = x·B. */
function referenceEaseScores(train: InteractionMatrix, lambda: number, history: number[], binary = true): number[] {
  const items = train.itemIds.length;
  const gram = Array.from({ length: items }, (_, i) => Array.from({ length: items }, (_, j) => (i === j ? lambda : 0)));
  for (let u = 0; u + 1 < train.indptr.length; u++) {
    for (let e = train.indptr[u]; e < train.indptr[u + 1]; e++) {
      for (let f = train.indptr[u]; f < train.indptr[u + 1]; f++) {
        const we = binary ? 1 : train.weights[e];
        const wf = binary ? 1 : train.weights[f];
        gram[train.indices[e]][train.indices[f]] += we * wf;
      }
    }
  }
  const p = referenceInverse(gram);
  return Array.from({ length: items }, (_, j) => history.reduce((sum, i) => sum + (i === j ? 0 : -p[i][j] / p[j][j]), 0));
}

function randomMatrix(users: number, items: number, density: number, seed: number): InteractionMatrix {
  const random = new SeededRandom(seed);
  const rows = Array.from({ length: users }, () => {
    const row: number[] = [];
    for (let i = 0; i < items; i++) if (random.next() < density) row.push(i);
    return row.length > 0 ? row : [random.nextInt(items)];
  });
  // Every item gets at least one user, so all items are active.
  for (let i = 0; i < items; i++) if (!rows.some((row) => row.includes(i))) rows[i % users].push(i);
  return matrixOf(
    items,
    rows.map((row) => [...row].sort((a, b) => a - b)),
  );
}

describe('trainEase', () => {
  it('matches the textbook closed form on random data, with both solvers', () => {
    // More users than items (the item solver's home) and fewer (the Woodbury user solver's).
    for (const [users, items, seed] of [
      [40, 12, 1],
      [9, 45, 2],
      [70, 70, 3],
    ]) {
      const train = randomMatrix(users, items, 0.3, seed);
      const lambda = 3;
      const history = [0, 5, 7];
      const expected = referenceEaseScores(train, lambda, history);
      for (const solver of ['items', 'users', 'auto'] as const) {
        const scores = new Float32Array(items);
        trainEase(train, context, { regularization: lambda, solver }).scoreItems(historyOf(history), scores);
        for (let j = 0; j < items; j++) expect(scores[j]).toBeCloseTo(expected[j], 5);
      }
    }
  });

  it('uses interaction weights as X in weighted mode', () => {
    const train = matrixOf(
      4,
      [
        [0, 1, 2],
        [1, 3],
        [0, 3],
      ],
      [
        [2, 1, 3],
        [4, 1],
        [1, 2],
      ],
    );
    const expected = referenceEaseScores(train, 2, [1], false);
    for (const solver of ['items', 'users'] as const) {
      const scores = new Float32Array(4);
      trainEase(train, context, { regularization: 2, weighting: 'weighted', solver }).scoreItems(historyOf([1]), scores);
      for (let j = 0; j < 4; j++) expect(scores[j]).toBeCloseTo(expected[j], 5);
    }
  });

  it('queryWeighting weights the input row alone: a model fitted on 0/1 data scores x·B with the history weights', () => {
    // Two items: B[0][1] = 0.5 and B[1][0] = 1/3 (see the next test), so x = (2, 3) scores (3/3, 2 × 0.5) = (1, 1).
    const train = matrixOf(2, [[0, 1], [1]]);
    const weightedInput = trainEase(train, context, { regularization: 1, queryWeighting: 'weighted' });
    const scores = new Float32Array(2);
    weightedInput.scoreItems(historyOf([0, 1], [2, 3]), scores);
    expect(scores[0]).toBeCloseTo(1, 6);
    expect(scores[1]).toBeCloseTo(1, 6);
    // The default (binary) ignores the weights: (1/3, 0.5).
    trainEase(train, context, { regularization: 1 }).scoreItems(historyOf([0, 1], [2, 3]), scores);
    expect(scores[0]).toBeCloseTo(1 / 3, 6);
    expect(scores[1]).toBeCloseTo(0.5, 6);
  });

  it('gives a hand-computable answer on two items: B[0][1] = G01 / (G11 + λ)', () => {
    // Users {i0, i1}, {i1}: G = [[1, 1], [1, 2]], λ = 1 → G + λI = [[2, 1], [1, 3]],
    // P = [[3, -1], [-1, 2]] / 5, B[0][1] = -P01 / P11 = (1/5) / (2/5) = 0.5, B[1][0] = (1/5)/(3/5) = 1/3.
    const model = trainEase(matrixOf(2, [[0, 1], [1]]), context, { regularization: 1 });
    const scores = new Float32Array(2);
    model.scoreItems(historyOf([0]), scores);
    expect(scores[0]).toBe(0); // diag(B) = 0
    expect(scores[1]).toBeCloseTo(0.5, 6);
    model.scoreItems(historyOf([1]), scores);
    expect(scores[0]).toBeCloseTo(1 / 3, 6);
  });

  it('gives items without training interactions −Infinity and ignores them in the history', () => {
    // i2 and i4 have no users.
    const train = matrixOf(5, [
      [0, 1],
      [1, 3],
      [0, 3],
    ]);
    const scores = new Float32Array(5);
    const model = trainEase(train, context, { regularization: 1 });
    model.scoreItems(historyOf([0, 2]), scores);
    expect(scores[2]).toBe(Number.NEGATIVE_INFINITY);
    expect(scores[4]).toBe(Number.NEGATIVE_INFINITY);
    const withoutUnknown = new Float32Array(5);
    model.scoreItems(historyOf([0]), withoutUnknown);
    expect(Array.from(scores)).toEqual(Array.from(withoutUnknown));
    expect(Number.isFinite(scores[1]) && Number.isFinite(scores[3])).toBe(true);
  });

  it('refuses catalogs over maxItems (pointing to ALS) and a non-positive λ', () => {
    const train = randomMatrix(10, 30, 0.3, 5);
    let caught: unknown;
    try {
      trainEase(train, context, { maxItems: 29 });
    } catch (error) {
      caught = error;
    }
    expect(isOndeckError(caught, 'invalid-argument')).toBe(true);
    expect((caught as Error).message).toMatch(/ALS/);
    expect(() => trainEase(train, context, { maxItems: 30 })).not.toThrow();
    expectCode(() => trainEase(train, context, { regularization: 0 }), 'invalid-argument');
    expectCode(() => trainEase(train, context, { regularization: Number.NaN }), 'invalid-argument');
  });
});
