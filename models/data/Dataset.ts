import type { InteractionMatrix } from './InteractionMatrix';
import type { ItemMetadata } from './ItemMetadata';
import type { LoadReport } from './LoadReport';

/** Interactions plus whatever item metadata came with them, as every loader returns it. */
export interface Dataset {
  readonly interactions: InteractionMatrix;
  /** Metadata by item id. Items without metadata get a placeholder title equal to their id. */
  readonly items: ReadonlyMap<string, ItemMetadata>;
  readonly report: LoadReport;
}

/** Options every loader accepts. */
export interface LoadOptions {
  /**
   * Explicit ratings at or above this value become positives of weight 1; lower ones are
   * dropped and counted in `belowThreshold`.
   * @defaultValue 4 (MovieLens 0.5–5 stars)
   */
  readonly minRating?: number;
  /**
   * Fail on the first malformed line instead of skipping it with a warning.
   * @defaultValue false
   */
  readonly strict?: boolean;
}
