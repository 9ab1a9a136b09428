/**
 * Item factors read from a model trained outside ondeck (Spark MLlib ALS, `implicit`, …), in the
 * one shape the artefact writer takes, whatever the source format was.
 *
 * @example
 * ```ts
 * const imported: ImportedFactors = await importFactors({ path: 'spark-out/itemFactors' });
 * const row = imported.factors.subarray(0, imported.dims); // factors of imported.itemIds[0]
 * ```
 */
export interface ImportedFactors {
  /** Item ids as strings, verbatim from the source (Spark int/long ids are stringified). */
  readonly itemIds: string[];
  /** Latent dimensions (values per item). */
  readonly dims: number;
  /** Row-major factors, `itemIds.length × dims`; row i belongs to `itemIds[i]`. */
  readonly factors: Float32Array;
  /** Format the factors came from, e.g. `'spark-parquet'`, `'numpy'`. */
  readonly source: string;
}
