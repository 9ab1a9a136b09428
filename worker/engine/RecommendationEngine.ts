import { popularityOrder } from './popularityOrder';
import type { ServedModel } from '../model/ServedModel';
import type { ScoringBackend } from '../../models/scoring/ScoringBackend';
import type { Recommendation, RecommendFilter, RecommendRequest, Row, RowKind, RowsRequest } from '../../models/contract/types';
import { OndeckError } from '../../models/errors/OndeckError';
import { HistoryRecommender } from '../../models/scoring/HistoryRecommender';
import { topKWithPrior } from '../../models/scoring/topKWithPrior';
import type { InterpretedHistory } from './historyToInteractions';
import { allowEveryItem, createItemFilter, type ItemPredicate } from './createItemFilter';
import { checkRecommendRequest, checkRowsRequest, checkSimilarArguments } from './checkEngineArguments';

/** Every row kind, in the order a home screen shows them. */
export const ROW_KINDS: readonly RowKind[] = ['continue-watching', 'top-picks', 'because-you-watched', 'taste-clusters', 'trending'];

/**
 * The recommendation logic of the device engine, independent of storage, workers and events:
 * fold-in + backend ranking with filters and exclusions, "more like this", explanations, and
 * the rows of a home screen. One instance per loaded model version.
 */
export class RecommendationEngine {
  private readonly recommender: HistoryRecommender;
  /** Item id → row; built by {@link prepare} or on first use. */
  private idIndex?: Map<string, number>;
  /** Rows by popularity; built by {@link prepare} or on first use. */
  private popularityRanking?: Int32Array;
  private readonly viewerVectors = new WeakMap<InterpretedHistory, Float32Array>();

  constructor(
    readonly model: ServedModel,
    readonly backend: ScoringBackend,
  ) {
    this.recommender = new HistoryRecommender(model, backend, model.catalog.popularity);
  }

  /**
   * Builds the id index, the popularity order and the backend's own indexes (~40 ms at 100k titles). They are built on
   * first use otherwise; the engine calls this in a task of its own right after a model switch,
   * so the switch itself stays short and a query that arrives meanwhile is not held up by it.
   */
  prepare(): void {
    this.indexOf();
    this.byPopularity();
    this.backend.prepare?.();
  }

  private indexOf(): Map<string, number> {
    if (!this.idIndex) {
      const ids = this.model.catalog.ids;
      const index = new Map<string, number>();
      for (let row = 0; row < ids.length; row++) index.set(ids[row], row);
      this.idIndex = index;
    }
    return this.idIndex;
  }

  /** Popularity order, computed once per model: "Trending" and the no-history fallback read it. */
  private byPopularity(): Int32Array {
    this.popularityRanking ??= popularityOrder(this.model.catalog.popularity);
    return this.popularityRanking;
  }

  /** Catalog index of an item id, or undefined. */
  indexOfItem(itemId: string): number | undefined {
    return this.indexOf().get(itemId);
  }

  /** Personal recommendations for a history. @throws OndeckError `invalid-argument` for a malformed request. */
  async recommend(viewer: InterpretedHistory, request?: RecommendRequest, maturityLimit?: number, now = Date.now()): Promise<Recommendation[]> {
    const { count, filter, exclude, explain } = checkRecommendRequest(request);
    const allowed = createItemFilter(this.model.catalog, filter, maturityLimit, now);
    const excluded = this.baseExclusions(viewer);
    for (const id of exclude ?? []) {
      const index = this.indexOf().get(id);
      if (index !== undefined) excluded.add(index);
    }
    const picks = await this.personalRanking(viewer, count, excluded, allowed);
    return this.describe(picks.indices, picks.scores, explain ? viewer : undefined);
  }

  /** Titles most like `itemId` (its own factor vector as the query). @throws OndeckError `invalid-argument`, `unknown-item`. */
  async similar(
    itemId: string,
    options?: { count?: number; filter?: RecommendFilter },
    viewer?: InterpretedHistory,
    maturityLimit?: number,
    now = Date.now(),
  ): Promise<Recommendation[]> {
    const { count, filter } = checkSimilarArguments(itemId, options);
    const anchor = this.indexOf().get(itemId);
    if (anchor === undefined) throw new OndeckError('unknown-item', { id: itemId });
    const excluded = viewer ? this.baseExclusions(viewer) : new Set<number>();
    excluded.add(anchor);
    const picks = await this.rankByVector(this.itemVector(anchor), count, excluded, createItemFilter(this.model.catalog, filter, maturityLimit, now));
    return this.describe(picks.indices, picks.scores);
  }

  /** A home screen: the requested rows, no title twice across them. @throws OndeckError `invalid-argument` for a malformed request. */
  async rows(viewer: InterpretedHistory, request?: RowsRequest, maturityLimit?: number, now = Date.now()): Promise<Row[]> {
    const { rows: kinds, perRow, filter } = checkRowsRequest(request, ROW_KINDS);
    const allowed = createItemFilter(this.model.catalog, filter, maturityLimit, now);
    const shown = new Set<number>();
    const rows: Row[] = [];
    const { catalog } = this.model;
    const push = (id: string, kind: RowKind, title: string, indices: ArrayLike<number>, scores: ArrayLike<number>): void => {
      if (indices.length === 0) return;
      for (let i = 0; i < indices.length; i++) shown.add(indices[i]);
      rows.push({ id, kind, title, items: this.describe(indices, scores) });
    };
    for (const kind of kinds) {
      const excluded = this.baseExclusions(viewer);
      for (const index of shown) excluded.add(index);
      switch (kind) {
        case 'continue-watching': {
          const items = viewer.inProgress.filter((entry) => allowed(entry.item) && !shown.has(entry.item)).slice(0, perRow);
          push(
            'continue-watching',
            kind,
            'Continue watching',
            items.map((entry) => entry.item),
            items.map((entry) => entry.progress),
          );
          break;
        }
        case 'top-picks': {
          const picks = await this.personalRanking(viewer, perRow, excluded, allowed);
          push('top-picks', kind, 'Top picks for you', picks.indices, picks.scores);
          break;
        }
        case 'because-you-watched': {
          for (const anchor of viewer.recent.slice(0, 2)) {
            const picks = await this.rankByVector(this.itemVector(anchor), perRow, new Set([...excluded, ...shown, anchor]), allowed);
            push(`because-${catalog.ids[anchor]}`, kind, `Because you watched ${catalog.titles[anchor]}`, picks.indices, picks.scores);
          }
          break;
        }
        case 'taste-clusters': {
          for (const cluster of this.favouriteClusters(viewer, 2)) {
            const inCluster: ItemPredicate = (index) => catalog.clusterOfItem[index] === cluster && allowed(index);
            const picks = await this.personalRanking(viewer, perRow, new Set([...excluded, ...shown]), inCluster);
            push(`cluster-${cluster}`, kind, catalog.clusters.names[cluster], picks.indices, picks.scores);
          }
          break;
        }
        case 'trending': {
          const picks = this.rankByPopularity(perRow, excluded, allowed);
          push('trending', kind, 'Trending now', picks.indices, picks.scores);
          break;
        }
        default:
          throw new OndeckError('invalid-argument', { name: 'rows', reason: `unknown row kind "${String(kind)}"` });
      }
    }
    return rows;
  }

  /** History, hidden titles: never recommended. */
  private baseExclusions(viewer: InterpretedHistory): Set<number> {
    const excluded = new Set<number>(viewer.hidden);
    for (let i = 0; i < viewer.history.indices.length; i++) excluded.add(viewer.history.indices[i]);
    return excluded;
  }

  /**
   * Fold-in ranking (plus the model's popularity prior, whose weight shrinks as the history grows:
   * the same `topKWithPrior` as the cloud's on-device path), or popularity for a viewer with no
   * usable history.
   */
  private async personalRanking(viewer: InterpretedHistory, count: number, excluded: Set<number>, allowed: ItemPredicate): Promise<Ranked> {
    if (viewer.history.indices.length === 0) return this.rankByPopularity(count, excluded, allowed);
    const vector = this.viewerVector(viewer);
    const withPrior = this.recommender.priorQuery(vector, viewer.history.indices.length);
    if (withPrior) return topKWithPrior(withPrior, count, Int32Array.from(excluded).sort(), allowed === allowEveryItem ? undefined : allowed);
    return this.rankByVector(vector, count, excluded, allowed);
  }

  /**
   * The folded-in vector of a history snapshot. The engine builds a new InterpretedHistory on
   * every tracked event, so caching by identity is exact and saves the fold-in on repeat queries.
   */
  private viewerVector(viewer: InterpretedHistory): Float32Array {
    let vector = this.viewerVectors.get(viewer);
    if (!vector) {
      vector = this.recommender.foldIn(viewer.history);
      this.viewerVectors.set(viewer, vector);
    }
    return vector;
  }

  /**
   * Top `count` allowed, non-excluded titles for a query vector. Exclusions go to the backend
   * (it skips them in place); the filter is applied after, fetching twice as deep each time the
   * filter rejected too many, so a narrow filter costs a few passes, never a catalog-sized copy.
   */
  private async rankByVector(vector: Float32Array, count: number, excluded: ReadonlySet<number>, allowed: ItemPredicate): Promise<Ranked> {
    const itemCount = this.model.catalog.ids.length;
    const exclude = Int32Array.from(excluded).sort();
    // Without a filter nothing fetched is rejected: fetch exactly `count` (a smaller heap and
    // fewer rows rescored in the js kernel).
    let depth = Math.min(itemCount, allowed === allowEveryItem ? count : Math.max(count * 2, count + 16));
    for (;;) {
      const { indices, scores } = await this.backend.topK(vector, depth, exclude);
      const keptIndices: number[] = [];
      const keptScores: number[] = [];
      for (let i = 0; i < indices.length && keptIndices.length < count; i++) {
        if (!allowed(indices[i])) continue;
        keptIndices.push(indices[i]);
        keptScores.push(scores[i]);
      }
      if (keptIndices.length === count || depth >= itemCount - exclude.length) return { indices: keptIndices, scores: keptScores };
      depth = Math.min(itemCount, depth * 4);
    }
  }

  private rankByPopularity(count: number, excluded: ReadonlySet<number>, allowed: ItemPredicate): Ranked {
    const indices: number[] = [];
    const scores: number[] = [];
    const ranking = this.byPopularity();
    for (let i = 0; i < ranking.length && indices.length < count; i++) {
      const index = ranking[i];
      if (excluded.has(index) || !allowed(index)) continue;
      indices.push(index);
      scores.push(this.model.catalog.popularity[index]);
    }
    return { indices, scores };
  }

  /** The viewer's strongest taste clusters (centroid · viewer vector), or the most popular ones. */
  private favouriteClusters(viewer: InterpretedHistory, count: number): number[] {
    const { names, centroids } = this.model.catalog.clusters;
    const dims = this.model.factors.dims;
    const affinity = new Float64Array(names.length);
    if (viewer.history.indices.length > 0) {
      const vector = this.viewerVector(viewer);
      for (let c = 0; c < names.length; c++) for (let d = 0; d < dims; d++) affinity[c] += centroids[c * dims + d] * vector[d];
    } else {
      this.model.catalog.clusterOfItem.forEach((cluster, index) => {
        if (cluster >= 0) affinity[cluster] += this.model.catalog.popularity[index];
      });
    }
    return Array.from(names.keys())
      .sort((a, b) => affinity[b] - affinity[a])
      .slice(0, count);
  }

  private itemVector(index: number): Float32Array {
    const { dims, values, scales } = this.model.factors;
    const vector = new Float32Array(dims);
    for (let d = 0; d < dims; d++) vector[d] = values[index * dims + d] * scales[index];
    return vector;
  }

  private describe(indices: ArrayLike<number>, scores: ArrayLike<number>, explainFor?: InterpretedHistory): Recommendation[] {
    const { catalog } = this.model;
    const because = explainFor && explainFor.history.indices.length > 0 ? this.recommender.explain(explainFor.history, indices) : undefined;
    return Array.from({ length: indices.length }, (_, k) => {
      const index = indices[k];
      const year = catalog.years[index];
      const rating = catalog.maturityRatings[index];
      const source = because && because[k] >= 0 ? explainFor!.history.indices[because[k]] : -1;
      return {
        itemId: catalog.ids[index],
        title: catalog.titles[index],
        score: scores[k],
        genres: catalog.genres[index].map((g) => catalog.genreNames[g]),
        ...(year !== null ? { year } : {}),
        ...(rating !== null ? { maturityRating: rating } : {}),
        ...(source >= 0 ? { because: { itemId: catalog.ids[source], title: catalog.titles[source] } } : {}),
      };
    });
  }
}

interface Ranked {
  readonly indices: ArrayLike<number>;
  readonly scores: ArrayLike<number>;
}
