import type { ScoringModel, UserHistory } from '../scoring/ScoringModel';

/**
 * The hybrid: a weighted blend of a collaborative model and a content model. Each model's scores
 * are standardised per viewer (zero mean, unit variance) before blending, because ALS dot
 * products and TF-IDF cosines live on unrelated scales.
 *
 * @param contentWeight share of the content scores, 0..1.
 * @example
 * ```ts
 * const hybrid = blendScoringModels('Hybrid', alsModel, contentModel, 0.2, itemCount);
 * ```
 */
export function blendScoringModels(name: string, collaborative: ScoringModel, content: ScoringModel, contentWeight: number, itemCount: number): ScoringModel {
  const contentScores = new Float32Array(itemCount);
  return {
    name,
    async scoreItems(history: UserHistory, out: Float32Array) {
      await collaborative.scoreItems(history, out);
      await content.scoreItems(history, contentScores);
      standardise(out);
      standardise(contentScores);
      const collaborativeWeight = 1 - contentWeight;
      for (let i = 0; i < itemCount; i++) {
        // A model weighted 0 must not touch the blend: 0 × −Infinity would make the item NaN.
        const fromCollaborative = collaborativeWeight === 0 ? 0 : collaborativeWeight * out[i];
        const fromContent = contentWeight === 0 ? 0 : contentWeight * contentScores[i];
        out[i] = fromCollaborative + fromContent;
      }
    },
  };
}

function standardise(scores: Float32Array): void {
  let sum = 0;
  let squares = 0;
  let finite = 0;
  for (let i = 0; i < scores.length; i++) {
    const value = scores[i];
    if (!Number.isFinite(value)) continue;
    sum += value;
    squares += value * value;
    finite++;
  }
  if (finite === 0) return;
  const mean = sum / finite;
  const deviation = Math.sqrt(Math.max(squares / finite - mean * mean, 0)) || 1;
  for (let i = 0; i < scores.length; i++) scores[i] = Number.isFinite(scores[i]) ? (scores[i] - mean) / deviation : -Infinity;
}
