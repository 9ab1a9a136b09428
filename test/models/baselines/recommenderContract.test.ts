import { describe, it, expect } from 'vitest';
import type { InteractionMatrix } from '../../../models/data/InteractionMatrix';
import type { ScoringModel, TrainContext, UserHistory } from '../../../models/scoring/ScoringModel';
import { isOndeckError } from '../../../models/errors/OndeckError';
import { topKIndices } from '../../../models/scoring/topKIndices';
import { trainUserKnn } from '../../../models/baselines/trainUserKnn';
import { trainItemKnn } from '../../../models/baselines/trainItemKnn';
import { trainEase } from '../../../models/baselines/trainEase';
import { trainPopularity } from '../../../models/baselines/trainPopularity';
import { trainContentBased } from '../../../models/baselines/trainContentBased';
import { plantedBlocks } from '../../support/plantedBlocks';

const context: TrainContext = { items: new Map(), seed: 1 };
const blocks = 3;
const itemsPerBlock = 12;
const { matrix } = plantedBlocks({ blocks, usersPerBlock: 30, itemsPerBlock, density: 0.5, seed: 42 });

/** A viewer never seen in training whose history is the first four items of `block`. */
function historyInBlock(block: number): UserHistory {
  const indices = Int32Array.from({ length: 4 }, (_, i) => block * itemsPerBlock + i);
  return { indices, weights: new Float32Array(4).fill(1) };
}

const collaborative: [string, (train: InteractionMatrix) => ScoringModel][] = [
  ['UserKNN binary', (train) => trainUserKnn(train, context)],
  ['UserKNN weighted', (train) => trainUserKnn(train, context, { weighting: 'weighted' })],
  ['ItemKNN binary', (train) => trainItemKnn(train, context)],
  ['ItemKNN weighted', (train) => trainItemKnn(train, context, { weighting: 'weighted' })],
  ['EASE item solver', (train) => trainEase(train, context, { solver: 'items' })],
  ['EASE user solver', (train) => trainEase(train, context, { solver: 'users' })],
];

describe.each(collaborative)('%s on planted taste blocks', (_name, train) => {
  const model = train(matrix);

  it.each([0, 1, 2])('fills the top-K of a block-%i viewer with that block’s items', (block) => {
    const history = historyInBlock(block);
    const scores = new Float32Array(matrix.itemIds.length);
    model.scoreItems(history, scores);
    // Eight unseen items are left in the block: all eight must come first.
    const top = topKIndices(scores, itemsPerBlock - 4, history.indices);
    expect(top.length).toBe(itemsPerBlock - 4);
    for (const item of top) expect(Math.floor(item / itemsPerBlock)).toBe(block);
  });

  it('scores an empty history without failing (no signal, no NaN)', () => {
    const scores = new Float32Array(matrix.itemIds.length).fill(Number.NaN);
    model.scoreItems({ indices: new Int32Array(0), weights: new Float32Array(0) }, scores);
    for (const score of scores) expect(Number.isNaN(score)).toBe(false);
  });
});

const everyModel: [string, (train: InteractionMatrix) => ScoringModel][] = [
  ...collaborative,
  ['Popularity', (train) => trainPopularity(train, context)],
  ['ContentBased', (train) => trainContentBased(train, context)],
];

describe.each(everyModel)('%s scoring contract', (_name, train) => {
  const model = train(matrix);

  it('writes every slot of the caller’s buffer, and is repeatable across calls', () => {
    const first = new Float32Array(matrix.itemIds.length).fill(Number.NaN);
    model.scoreItems(historyInBlock(1), first);
    for (const score of first) expect(Number.isNaN(score)).toBe(false);
    // A different query in between must not leak into the next one (scratch buffers reset).
    model.scoreItems(historyInBlock(2), new Float32Array(matrix.itemIds.length));
    const second = new Float32Array(matrix.itemIds.length).fill(123);
    model.scoreItems(historyInBlock(1), second);
    expect(Array.from(second)).toEqual(Array.from(first));
  });

  it('refuses a buffer of the wrong length and history indices outside the catalog', () => {
    const expectCode = (call: () => void, code: 'dimension-mismatch' | 'invalid-argument') => {
      let caught: unknown;
      try {
        call();
      } catch (error) {
        caught = error;
      }
      expect(isOndeckError(caught, code)).toBe(true);
    };
    expectCode(() => model.scoreItems(historyInBlock(0), new Float32Array(3)), 'dimension-mismatch');
    const outside = { indices: Int32Array.of(matrix.itemIds.length), weights: Float32Array.of(1) };
    expectCode(() => model.scoreItems(outside, new Float32Array(matrix.itemIds.length)), 'invalid-argument');
  });
});
