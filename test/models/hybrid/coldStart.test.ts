import { describe, expect, it } from 'vitest';
import { buildItemContentFeatures } from '../../../models/baselines/buildItemContentFeatures';
import type { ItemMetadata } from '../../../models/data/ItemMetadata';
import { blendScoringModels } from '../../../models/hybrid/blendScoringModels';
import { fillColdStartFactors, fitContentToFactorMapping, mapContentToFactors } from '../../../models/hybrid/fitContentToFactorMapping';
import { SeededRandom } from '../../../models/random';
import type { ScoringModel, UserHistory } from '../../../models/scoring/ScoringModel';

const dims = 6;
const genres = ['Horror', 'Comedy', 'Documentary', 'Western'];
const itemsPerGroup = 20;

/**
 * Items in four genre groups; each group's factors are planted around its own centroid. Every
 * item also carries one of two cross-group "noise" genres, so content features are not simply
 * the group label. Items 0..3 of each group have no interactions (popularity 0) and hold
 * garbage factors that cold start must replace.
 */
function plantedCatalog(seed: number) {
  const random = new SeededRandom(seed);
  const centroids = genres.map(() => Float64Array.from({ length: dims }, () => 2 * random.nextGaussian()));
  const itemIds: string[] = [];
  const items = new Map<string, ItemMetadata>();
  const groupOfItem: number[] = [];
  const popularity: number[] = [];
  const factors: number[] = [];
  genres.forEach((genre, group) => {
    for (let i = 0; i < itemsPerGroup; i++) {
      const id = `${genre.toLowerCase()}-${i}`;
      itemIds.push(id);
      items.set(id, { id, title: id, genres: [genre, i % 2 === 0 ? 'Short' : 'Classic'] });
      groupOfItem.push(group);
      const cold = i < 4;
      popularity.push(cold ? 0 : 1 + random.nextInt(50));
      for (let d = 0; d < dims; d++) factors.push(cold ? 100 * random.nextGaussian() : centroids[group][d] + 0.3 * random.nextGaussian());
    }
  });
  return { itemIds, items, groupOfItem, popularity: Int32Array.from(popularity), itemFactors: Float32Array.from(factors), centroids };
}

function distance(factors: Float32Array, item: number, centroid: Float64Array): number {
  let sum = 0;
  for (let d = 0; d < dims; d++) sum += (factors[item * dims + d] - centroid[d]) ** 2;
  return Math.sqrt(sum);
}

describe('fillColdStartFactors', () => {
  it("gives a zero-popularity item of genre group G a vector nearest G's centroid", () => {
    const catalog = plantedCatalog(3);
    const features = buildItemContentFeatures(catalog.itemIds, catalog.items);
    const itemFactors = Float32Array.from(catalog.itemFactors);
    const filled = fillColdStartFactors(features, itemFactors, dims, catalog.popularity);
    expect(filled).toBe(4 * genres.length);
    for (let item = 0; item < catalog.itemIds.length; item++) {
      if (catalog.popularity[item] > 0) continue;
      const group = catalog.groupOfItem[item];
      const own = distance(itemFactors, item, catalog.centroids[group]);
      catalog.centroids.forEach((centroid, other) => {
        if (other !== group) expect(own).toBeLessThan(distance(itemFactors, item, centroid));
      });
      // Not merely nearer: close in absolute terms (centroids are ~2·√dims apart).
      expect(own).toBeLessThan(1.5);
    }
  });

  it('leaves every item with interactions untouched', () => {
    const catalog = plantedCatalog(4);
    const features = buildItemContentFeatures(catalog.itemIds, catalog.items);
    const itemFactors = Float32Array.from(catalog.itemFactors);
    fillColdStartFactors(features, itemFactors, dims, catalog.popularity);
    for (let item = 0; item < catalog.itemIds.length; item++) {
      const row = Array.from(itemFactors.subarray(item * dims, (item + 1) * dims));
      const original = Array.from(catalog.itemFactors.subarray(item * dims, (item + 1) * dims));
      if (catalog.popularity[item] > 0) expect(row).toEqual(original);
      else expect(row).not.toEqual(original);
    }
  });

  it('does nothing when no item is cold', () => {
    const catalog = plantedCatalog(5);
    const features = buildItemContentFeatures(catalog.itemIds, catalog.items);
    const itemFactors = Float32Array.from(catalog.itemFactors);
    expect(fillColdStartFactors(features, itemFactors, dims, new Int32Array(catalog.itemIds.length).fill(1))).toBe(0);
    expect(Array.from(itemFactors)).toEqual(Array.from(catalog.itemFactors));
  });
});

describe('fitContentToFactorMapping', () => {
  it('with one-genre items, maps a genre to Σ y / (n + μ) of its warm items (closed form)', () => {
    // One genre per item: every feature row is a unit one-hot, so FᵀF is diagonal (n_g per
    // genre) and the ridge solution is W_g = Σ_{items of g} y_i / (n_g + μ).
    const itemIds = ['a1', 'a2', 'a3', 'b1', 'b2', 'cold-a', 'cold-b'];
    const genreOf = ['A', 'A', 'A', 'B', 'B', 'A', 'B'];
    const items = new Map<string, ItemMetadata>(itemIds.map((id, i) => [id, { id, title: id, genres: [genreOf[i]] }]));
    const features = buildItemContentFeatures(itemIds, items);
    const width = 2;
    const itemFactors = Float32Array.from([1, 2, 3, 4, 5, 6, -1, 0, -3, 2, 0, 0, 0, 0]);
    const ridge = 0.5;
    const mapping = fitContentToFactorMapping(features, itemFactors, width, [0, 1, 2, 3, 4], ridge);
    const out = new Float32Array(width);
    mapContentToFactors(mapping, features, 5, out, 0);
    expect(out[0]).toBeCloseTo((1 + 3 + 5) / (3 + ridge), 6);
    expect(out[1]).toBeCloseTo((2 + 4 + 6) / (3 + ridge), 6);
    mapContentToFactors(mapping, features, 6, out, 0);
    expect(out[0]).toBeCloseTo((-1 - 3) / (2 + ridge), 6);
    expect(out[1]).toBeCloseTo((0 + 2) / (2 + ridge), 6);
  });

  it('refuses features without any term', () => {
    const itemIds = ['x', 'y'];
    const features = buildItemContentFeatures(itemIds, new Map());
    expect(() => fitContentToFactorMapping(features, new Float32Array(4), 2, [0, 1])).toThrowError(expect.objectContaining({ code: 'invalid-argument' }));
  });
});

/** A model that always writes the given scores. */
function fixedModel(name: string, scores: number[]): ScoringModel {
  return {
    name,
    scoreItems(_history, out) {
      out.set(scores);
    },
  };
}

/** (x − mean) / population standard deviation, over finite values. */
function standardised(scores: number[]): number[] {
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const deviation = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / scores.length);
  return scores.map((x) => (x - mean) / deviation);
}

function ranking(scores: ArrayLike<number>): number[] {
  return Array.from(scores, (score, index) => ({ score, index }))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .map((entry) => entry.index);
}

const noHistory: UserHistory = { indices: Int32Array.from([0]), weights: Float32Array.from([1]) };

describe('blendScoringModels', () => {
  // Collaborative scores on a large scale, content scores on a tiny one, ranking items differently.
  const collaborative = [1000, 4000, 2000, 3000, 500, 3500];
  const content = [0.9, 0.1, 0.5, 0.3, 0.8, 0.2];

  async function blend(weight: number, cf = collaborative, cb = content): Promise<Float32Array> {
    const model = blendScoringModels('Hybrid', fixedModel('CF', cf), fixedModel('Content', cb), weight, cf.length);
    const out = new Float32Array(cf.length);
    await model.scoreItems(noHistory, out);
    return out;
  }

  it('weight 0 gives the standardised collaborative scores (and their ranking)', async () => {
    const out = await blend(0);
    const expected = standardised(collaborative);
    expected.forEach((value, i) => expect(out[i]).toBeCloseTo(value, 5));
    expect(ranking(out)).toEqual(ranking(collaborative));
  });

  it('weight 1 gives the standardised content scores (and their ranking)', async () => {
    const out = await blend(1);
    const expected = standardised(content);
    expected.forEach((value, i) => expect(out[i]).toBeCloseTo(value, 5));
    expect(ranking(out)).toEqual(ranking(content));
  });

  it('weight ½ averages the standardised scores, so neither scale dominates', async () => {
    const out = await blend(0.5);
    const cf = standardised(collaborative);
    const cb = standardised(content);
    cf.forEach((value, i) => expect(out[i]).toBeCloseTo(0.5 * value + 0.5 * cb[i], 5));
    // A raw-score average would just follow the collaborative ranking.
    expect(ranking(out)).not.toEqual(ranking(collaborative));
    expect(ranking(out)).not.toEqual(ranking(content));
  });

  it('weight 0 ignores the content model entirely, even an item it scores −Infinity', async () => {
    const out = await blend(0, collaborative, [0.9, 0.1, -Infinity, 0.3, 0.8, 0.2]);
    const expected = standardised(collaborative);
    expected.forEach((value, i) => expect(out[i]).toBeCloseTo(value, 5));
  });

  it('an item the collaborative model scores −Infinity stays last at intermediate weights', async () => {
    const out = await blend(0.3, [1000, 4000, -Infinity, 3000, 500, 3500]);
    expect(out[2]).toBe(-Infinity);
    for (let i = 0; i < out.length; i++) if (i !== 2) expect(Number.isFinite(out[i])).toBe(true);
  });

  it('a flat content model (no usable history terms) leaves the collaborative ranking', async () => {
    const out = await blend(0.4, collaborative, [0, 0, 0, 0, 0, 0]);
    expect(ranking(out)).toEqual(ranking(collaborative));
  });
});
