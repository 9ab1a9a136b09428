/**
 * Hyperparameters of implicit ALS, in the formulation of Hu, Koren & Volinsky (2008) with the
 * unobserved weight and frequency-scaled regularisation of Rendle et al. (2021, "Revisiting the
 * Performance of iALS on Item Recommendation Benchmarks"):
 *
 *   L = Σ_{(u,i) observed} c_ui (1 − x_u·y_i)²  +  α₀ Σ_{(u,i) unobserved} (x_u·y_i)²
 *       + Σ_u λ_u ‖x_u‖² + Σ_i λ_i ‖y_i‖²
 *
 *   c_ui = 1 + alpha · w_ui,   λ_u = regularization · (|I_u| + α₀ |I|)^regularizationExponent
 *
 * Everything the device needs to fold a viewer in (alpha, α₀, λ, ν, item count) travels in the
 * model artefact, so the cloud evaluation and the TV solve exactly the same system.
 */
export interface AlsHyperparameters {
  /**
   * Latent dimensions.
   * @defaultValue 128
   */
  readonly factors: number;
  /**
   * Regularisation strength λ (scaled per row, see `regularizationExponent`).
   * @defaultValue 0.01
   */
  readonly regularization: number;
  /**
   * Exponent ν of the frequency scaling of λ; 0 gives plain constant λ (Hu et al.), 1 gives Rendle's.
   * @defaultValue 1
   */
  readonly regularizationExponent: number;
  /**
   * Weight α₀ of every unobserved (user, item) pair.
   * @defaultValue 0.3
   */
  readonly unobservedWeight: number;
  /**
   * Confidence slope: an interaction of weight w counts 1 + alpha·w.
   * @defaultValue 1
   */
  readonly alpha: number;
}

/**
 * Defaults chosen by `ondeck tune` on ml-latest-small (validation users from a split seeded apart
 * from the evaluation's; validation NDCG@100 0.369). See docs/tuning.md.
 */
export const DEFAULT_ALS_HYPERPARAMETERS: Readonly<AlsHyperparameters> = Object.freeze({
  factors: 128,
  regularization: 0.01,
  regularizationExponent: 1,
  unobservedWeight: 0.3,
  alpha: 1,
});

/** The hyperparameters a row solve (and so the device fold-in) needs: all but `factors`. */
export type RowSolveHyperparameters = Pick<AlsHyperparameters, 'alpha' | 'unobservedWeight' | 'regularization' | 'regularizationExponent'>;

/** λ for a row with `rowLength` observed entries against `otherCount` columns. */
export function rowRegularization(hyper: RowSolveHyperparameters, rowLength: number, otherCount: number): number {
  if (hyper.regularizationExponent === 0) return hyper.regularization;
  return hyper.regularization * Math.pow(rowLength + hyper.unobservedWeight * otherCount, hyper.regularizationExponent);
}
