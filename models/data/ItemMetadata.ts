/**
 * What the device needs to know about a title besides its factors: how to show it and how to
 * filter it. Every field but `id` and `title` is optional because real catalogs are ragged.
 */
export interface ItemMetadata {
  /** External id, the same string as in the interaction data. */
  readonly id: string;
  /** Display title (rendered as text, never as HTML). */
  readonly title: string;
  /** Genre names, e.g. `["Comedy", "Drama"]`. */
  readonly genres: readonly string[];
  /** Free-text tags (MovieLens `tags.csv`), lower-cased and de-duplicated. */
  readonly tags?: readonly string[];
  /** Rating label as the source gives it, e.g. `"PG-13"`, `"TV-Y7"`, `"16"`. */
  readonly maturityRating?: string;
  /** Minimum viewer age the rating implies (see `maturityAgeOf`); kids profiles filter on it. */
  readonly maturityAge?: number;
  /** Release year. */
  readonly year?: number;
  /** ISO-8601 date from which the title may be shown. */
  readonly availableFrom?: string;
  /** ISO-8601 date after which the title must not be shown. */
  readonly availableUntil?: string;
}
