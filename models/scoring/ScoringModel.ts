import type { InteractionMatrix } from '../data/InteractionMatrix';
import type { ItemMetadata } from '../data/ItemMetadata';

/** One viewer's history in the column-index space of a trained model. */
export interface UserHistory {
  /** Item (column) indices the user interacted with. */
  readonly indices: Int32Array;
  /** Weight of each interaction, aligned with `indices`. */
  readonly weights: Float32Array;
}

/**
 * A fitted model that can score every catalog item for a viewer it never saw in training
 * (strong generalization: the history is folded in at query time). Every algorithm in the
 * evaluation, ALS and the baselines alike, is one of these.
 */
export interface ScoringModel {
  /** Row label in evaluation tables, e.g. `"EASE"`. */
  readonly name: string;
  /**
   * Writes a score for every item into `out` (length = item count); higher is better.
   * Items in the history may get any score: the caller excludes them. May be async (the
   * on-device path scores through a backend whose calls are promises).
   */
  scoreItems(history: UserHistory, out: Float32Array): void | Promise<void>;
}

/** What a trainer gets besides the interaction matrix. */
export interface TrainContext {
  /** Metadata by item id (titles, genres, tags); may be empty. */
  readonly items: ReadonlyMap<string, ItemMetadata>;
  /** Seed for anything random. */
  readonly seed: number;
}

/** A function that fits a {@link ScoringModel} on training users. */
export type ScoringModelTrainer = (train: InteractionMatrix, context: TrainContext) => ScoringModel;
