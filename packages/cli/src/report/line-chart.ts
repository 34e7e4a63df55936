import { escapeHtml } from './html';
import { formatTick, niceTicks } from './nice-ticks';
import { smoothingWeight, smoothSeries } from './smooth';

export interface ChartSeries {
  label: string;
  color: string;
  /** x ascending; y null where the value was missing or not finite. */
  points: readonly { x: number; y: number | null }[];
}

export interface LineChartOptions {
  title: string;
  series: readonly ChartSeries[];
  xLabel?: string;
  /** Fixed y range (e.g. [0, 1] for accuracies); default: the data's range, padded. */
  yDomain?: [number, number];
  /** Formats y ticks and the latest value (default: formatTick). */
  formatY?: (value: number) => string;
  /** false draws the raw line only (e.g. a learning-rate schedule, which is not noisy). */
  smooth?: boolean;
  width?: number;
  height?: number;
}

const MARGIN = { left: 52, right: 16, top: 40, bottom: 34 };

/** A fixed-precision number for SVG coordinates (shorter files, stable output). */
const n = (v: number) => (Math.round(v * 10) / 10).toString();

/**
 * A self-contained SVG line chart: the raw values as a faint line, the smoothed values as a
 * solid one, round ticks with light grid lines, and the latest value of each series in the
 * legend. No script, no external resources.
 */
export function lineChart(options: LineChartOptions): string {
  const width = options.width ?? 560;
  const height = options.height ?? 260;
  const formatY = options.formatY ?? formatTick;
  const plot = { x0: MARGIN.left, x1: width - MARGIN.right, y0: height - MARGIN.bottom, y1: MARGIN.top };
  const title = `<text x="${MARGIN.left}" y="20" class="chart-title">${escapeHtml(options.title)}</text>`;
  const open = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(options.title)}" class="chart">`;

  const finite = options.series.flatMap((s) => s.points.filter((p): p is { x: number; y: number } => p.y !== null && Number.isFinite(p.y)));
  if (finite.length === 0) {
    return `${open}${title}<text x="${n(width / 2)}" y="${n(height / 2)}" text-anchor="middle" class="chart-empty">no data recorded</text></svg>`;
  }

  const xs = finite.map((p) => p.x);
  let xMin = Math.min(...xs);
  let xMax = Math.max(...xs);
  if (xMin === xMax) {
    xMin -= 1;
    xMax += 1;
  }
  let [yMin, yMax] = options.yDomain ?? [Math.min(...finite.map((p) => p.y)), Math.max(...finite.map((p) => p.y))];
  if (!options.yDomain) {
    const pad = (yMax - yMin) * 0.06 || Math.abs(yMax) * 0.1 || 1;
    yMin -= pad;
    yMax += pad;
  }
  const sx = (x: number) => plot.x0 + ((x - xMin) / (xMax - xMin)) * (plot.x1 - plot.x0);
  const sy = (y: number) => plot.y0 - ((y - yMin) / (yMax - yMin)) * (plot.y0 - plot.y1);

  const parts: string[] = [open, title];
  for (const tick of niceTicks(yMin, yMax, 5).filter((t) => t >= yMin && t <= yMax)) {
    const y = n(sy(tick));
    parts.push(`<line x1="${plot.x0}" x2="${plot.x1}" y1="${y}" y2="${y}" class="grid"/>`);
    parts.push(`<text x="${plot.x0 - 6}" y="${y}" dy="0.32em" text-anchor="end" class="tick">${escapeHtml(formatY(tick))}</text>`);
  }
  for (const tick of niceTicks(xMin, xMax, 6).filter((t) => t >= xMin && t <= xMax)) {
    const x = n(sx(tick));
    parts.push(`<line x1="${x}" x2="${x}" y1="${plot.y0}" y2="${plot.y0 + 4}" class="axis"/>`);
    parts.push(`<text x="${x}" y="${plot.y0 + 16}" text-anchor="middle" class="tick">${escapeHtml(formatTick(tick))}</text>`);
  }
  parts.push(`<line x1="${plot.x0}" x2="${plot.x1}" y1="${plot.y0}" y2="${plot.y0}" class="axis"/>`);
  if (options.xLabel) {
    parts.push(`<text x="${plot.x1}" y="${height - 4}" text-anchor="end" class="axis-label">${escapeHtml(options.xLabel)}</text>`);
  }

  const legend: string[] = [];
  for (const series of options.series) {
    const ys = series.points.map((p) => p.y);
    const raw = pathOf(series.points.map((p, i) => [p.x, ys[i] ?? null] as const), sx, sy);
    const smooth = options.smooth !== false && ys.length >= 5;
    const color = escapeHtml(series.color);
    if (smooth) {
      const smoothed = smoothSeries(ys, smoothingWeight(ys.length));
      parts.push(`<path d="${raw}" fill="none" stroke="${color}" stroke-opacity="0.25" stroke-width="1" class="raw"/>`);
      parts.push(`<path d="${pathOf(series.points.map((p, i) => [p.x, smoothed[i] ?? null] as const), sx, sy)}" fill="none" stroke="${color}" stroke-width="2" stroke-linejoin="round" class="smoothed"/>`);
    } else {
      parts.push(`<path d="${raw}" fill="none" stroke="${color}" stroke-width="2" stroke-linejoin="round" class="line"/>`);
    }
    const valid = series.points.filter((p) => p.y !== null && Number.isFinite(p.y));
    if (valid.length === 1) {
      parts.push(`<circle cx="${n(sx(valid[0]!.x))}" cy="${n(sy(valid[0]!.y!))}" r="3" fill="${color}"/>`);
    }
    const last = valid[valid.length - 1];
    legend.push(`${escapeHtml(series.label)}${last ? ` ${escapeHtml(formatY(last.y!))}` : ''}`);
  }
  // Legend at the top right, one entry per series, each with its colour swatch.
  let cursor = plot.x1;
  const entries = options.series.map((s, i) => ({ color: escapeHtml(s.color), text: legend[i]! })).reverse();
  for (const entry of entries) {
    const textWidth = entry.text.length * 6.2;
    cursor -= textWidth;
    parts.push(`<text x="${n(cursor)}" y="20" class="legend">${entry.text}</text>`);
    cursor -= 18;
    parts.push(`<line x1="${n(cursor)}" x2="${n(cursor + 12)}" y1="16" y2="16" stroke="${entry.color}" stroke-width="3"/>`);
    cursor -= 14;
  }
  parts.push('</svg>');
  return parts.join('');
}

/** An SVG path through the points, broken where values are missing. */
function pathOf(points: readonly (readonly [number, number | null])[], sx: (x: number) => number, sy: (y: number) => number): string {
  let d = '';
  let pen = false;
  for (const [x, y] of points) {
    if (y === null || !Number.isFinite(y)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${n(sx(x))} ${n(sy(y))}`;
    pen = true;
  }
  return d;
}
