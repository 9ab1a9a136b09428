import { drawLineChart } from './drawLineChart';

/**
 * One line of a Recall@K chart: a model's recall at each cut-off K.
 *
 * @example
 * ```ts
 * const line: RecallSeries = { name: 'ALS', points: [{ k: 10, recall: 0.21 }] };
 * ```
 */
export interface RecallSeries {
  /** Shown in the legend; user data, so it is XML-escaped. */
  readonly name: string;
  readonly points: readonly { readonly k: number; readonly recall: number }[];
}

/**
 * Options of {@link drawRecallChart}.
 *
 * @example
 * ```ts
 * const options: RecallChartOptions = { title: 'MovieLens 1M', width: 800 };
 * ```
 */
export interface RecallChartOptions {
  /** @defaultValue 'Recall@K' */
  readonly title?: string;
  /** @defaultValue 640 */
  readonly width?: number;
  /** @defaultValue 400 */
  readonly height?: number;
}

/**
 * Recall@K curves as a self-contained SVG: K on a linear x axis from 0 (whole-number ticks),
 * recall on y, one line per model, legend and title, all text escaped. A {@link drawLineChart}.
 *
 * @throws OndeckError `invalid-argument` for a non-finite or negative K or recall.
 * @example
 * ```ts
 * const svg = drawRecallChart([{ name: 'ALS', points: [{ k: 10, recall: 0.21 }, { k: 20, recall: 0.3 }] }]);
 * ```
 */
export function drawRecallChart(series: readonly RecallSeries[], options: RecallChartOptions = {}): string {
  return drawLineChart(
    series.map((line) => ({ name: line.name, points: line.points.map((point) => ({ x: point.k, y: point.recall })) })),
    {
      title: options.title ?? 'Recall@K',
      width: options.width,
      height: options.height,
      xLabel: 'K',
      yLabel: 'Recall@K',
      integerX: true,
      describePoint: (k, recall) => `Recall@${k} = ${String(Number(recall.toPrecision(4)))}`,
    },
  );
}
