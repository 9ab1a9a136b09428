import { OndeckError } from '../errors/OndeckError';

/**
 * One line of a Recall@K chart: a model's recall at each cut-off K.
 *
 * @example
 * ```ts
 * const line: RecallSeries = { name: 'ALS', points: [{ k: 10, recall: 0.21 }] };
 * ```
 */
/** Okabe–Ito colours: distinguishable with the common colour-vision deficiencies. */
const palette = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
const margin = { top: 40, right: 170, bottom: 48, left: 56 };

/** One line of a {@link drawLineChart}. */
export interface LineSeries {
  readonly name: string;
  readonly points: readonly { readonly x: number; readonly y: number }[];
}

/** Options of {@link drawLineChart}. */
export interface LineChartOptions {
  readonly title?: string;
  /** @defaultValue 640 */
  readonly width?: number;
  /** @defaultValue 400 */
  readonly height?: number;
  readonly xLabel?: string;
  readonly yLabel?: string;
  /** x is a count: ticks are whole numbers. @defaultValue false */
  readonly integerX?: boolean;
  /** Tooltip text of a point (escaped). */
  readonly describePoint?: (x: number, y: number) => string;
}

/**
 * A self-contained SVG line chart (no fonts, scripts or images): linear axes from 0 with round
 * ticks, one polyline with a marker per point for each series, a legend and a title. All text is
 * escaped, because series names come from user data.
 *
 * @throws OndeckError `invalid-argument` for a non-finite or negative coordinate.
 * @example
 * ```ts
 * const svg = drawLineChart([{ name: 'wasm', points: [{ x: 10_000, y: 0.4 }, { x: 100_000, y: 1.1 }] }],
 *   { title: 'latency', xLabel: 'items', yLabel: 'ms' });
 * ```
 */
export function drawLineChart(series: readonly LineSeries[], options: LineChartOptions = {}): string {
  const { title = '', width = 640, height = 400, xLabel = 'x', yLabel = 'y', integerX = false } = options;
  const describePoint = options.describePoint ?? ((x: number, y: number) => `${yLabel} at ${xLabel} ${formatTick(x)}: ${formatTick(y)}`);
  for (const { name, points } of series) {
    for (const { x, y } of points) {
      if (!Number.isFinite(x) || !Number.isFinite(y) || x < 0 || y < 0) {
        throw new OndeckError('invalid-argument', { name: 'series', reason: `"${name}" has a point ${xLabel}=${x}, ${yLabel}=${y}` });
      }
    }
  }
  const allPoints = series.flatMap((line) => line.points);
  // Counts (K, items) are never split into fractional ticks.
  const xTicks = niceTicks(Math.max(1, ...allPoints.map((point) => point.x)), integerX ? 1 : 0);
  const yTicks = niceTicks(Math.max(0, ...allPoints.map((point) => point.y)) || 0.1);
  const xMax = xTicks[xTicks.length - 1];
  const yMax = yTicks[yTicks.length - 1];
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const bottom = margin.top + plotHeight;
  const xOf = (x: number): number => round(margin.left + (x / xMax) * plotWidth);
  const yOf = (y: number): number => round(bottom - (y / yMax) * plotHeight);

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12" role="img">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${round(margin.left + plotWidth / 2)}" y="24" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  for (const tick of yTicks) {
    const y = yOf(tick);
    parts.push(
      `<line x1="${margin.left}" y1="${y}" x2="${margin.left + plotWidth}" y2="${y}" stroke="#e0e0e0"/>`,
      `<text x="${margin.left - 6}" y="${y + 4}" text-anchor="end">${formatTick(tick)}</text>`,
    );
  }
  for (const tick of xTicks) {
    const x = xOf(tick);
    parts.push(
      `<line x1="${x}" y1="${bottom}" x2="${x}" y2="${bottom + 5}" stroke="#333333"/>`,
      `<text x="${x}" y="${bottom + 18}" text-anchor="middle">${formatTick(tick)}</text>`,
    );
  }
  parts.push(
    `<path d="M${margin.left},${margin.top}V${bottom}H${margin.left + plotWidth}" fill="none" stroke="#333333"/>`,
    `<text x="${round(margin.left + plotWidth / 2)}" y="${height - 10}" text-anchor="middle">${escapeXml(xLabel)}</text>`,
    `<text transform="translate(16 ${round(margin.top + plotHeight / 2)}) rotate(-90)" text-anchor="middle">${escapeXml(yLabel)}</text>`,
  );

  series.forEach((line, index) => {
    const colour = palette[index % palette.length];
    // Past the palette, colours repeat; a dash pattern keeps those lines apart.
    const dash = index >= palette.length ? ' stroke-dasharray="6 3"' : '';
    const sorted = [...line.points].sort((a, b) => a.x - b.x);
    const name = escapeXml(line.name);
    parts.push(`<g class="series" data-series="${index}">`);
    parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="2"${dash} points="${sorted.map((point) => `${xOf(point.x)},${yOf(point.y)}`).join(' ')}"/>`);
    for (const point of sorted) {
      parts.push(`<circle cx="${xOf(point.x)}" cy="${yOf(point.y)}" r="3.5" fill="${colour}"><title>${name}: ${escapeXml(describePoint(point.x, point.y))}</title></circle>`);
    }
    const legendY = margin.top + 8 + index * 20;
    const legendX = margin.left + plotWidth + 16;
    parts.push(
      `<line x1="${legendX}" y1="${legendY}" x2="${legendX + 20}" y2="${legendY}" stroke="${colour}" stroke-width="2"${dash}/>`,
      `<circle cx="${legendX + 10}" cy="${legendY}" r="3.5" fill="${colour}"/>`,
      `<text x="${legendX + 26}" y="${legendY + 4}">${name}</text>`,
      '</g>',
    );
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

/** Escapes text for XML content and double- or single-quoted attributes. */
function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[char]};`);
}

/** Ticks 0, step, 2·step … up to the first multiple ≥ max, with step 1, 2 or 5 × 10ⁿ (~5 ticks). */
function niceTicks(max: number, minStep = 0): number[] {
  const rough = max / 5;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const niceStep = [1, 2, 5, 10].map((factor) => factor * magnitude).find((candidate) => candidate >= rough) ?? 10 * magnitude;
  const step = Math.max(niceStep, minStep);
  const count = Math.ceil(max / step - 1e-9);
  return Array.from({ length: count + 1 }, (_, index) => Number((index * step).toPrecision(12)));
}

function formatTick(value: number): string {
  return String(Number(value.toPrecision(4)));
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
