/** A tiny, dependency-free SVG line chart: enough for "estimate vs true MI" figures. */

export interface ChartSeries {
  name: string;
  points: readonly (readonly [number, number])[];
  color: string;
  dashed?: boolean;
  /** Draw a dot on every point (measured values) or just the line (references). */
  markers?: boolean;
  /** Optional error bar half-heights, one per point. */
  errors?: readonly number[];
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly ChartSeries[];
  width?: number;
  height?: number;
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * About `count` round tick values (steps of 1, 2 or 5 times a power of 10), the first <= min and
 * the last >= max, so the axis ends on a labelled tick.
 */
export function niceTicks(min: number, max: number, count = 6): number[] {
  if (!(max > min)) return [min, min + 1];
  const raw = (max - min) / Math.max(1, count - 1);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw * (1 - 1e-9)) ?? 10 * power;
  const first = Math.floor(min / step + 1e-9);
  const last = Math.ceil(max / step - 1e-9);
  const ticks: number[] = [];
  for (let k = first; k <= last; k++) ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

export function lineChartSvg(options: LineChartOptions): string {
  const width = options.width ?? 720;
  const height = options.height ?? 480;
  const margin = { top: 48, right: 170, bottom: 56, left: 64 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;

  const all = options.series.flatMap((s) =>
    s.points.flatMap(([x, y], i) => {
      const e = s.errors?.[i] ?? 0;
      return [
        [x, y - e],
        [x, y + e],
      ];
    }),
  );
  const xs = all.map((p) => p[0]!).filter(Number.isFinite);
  const ys = all.map((p) => p[1]!).filter(Number.isFinite);
  const xTicks = niceTicks(Math.min(0, ...xs), Math.max(...xs, 1e-9));
  const yTicks = niceTicks(Math.min(0, ...ys), Math.max(...ys, 1e-9));
  const [x0, x1] = [xTicks[0]!, xTicks[xTicks.length - 1]!];
  const [y0, y1] = [yTicks[0]!, yTicks[yTicks.length - 1]!];
  const sx = (x: number) => margin.left + ((x - x0) / (x1 - x0 || 1)) * plotW;
  const sy = (y: number) => margin.top + plotH - ((y - y0) / (y1 - y0 || 1)) * plotH;
  const f = (v: number) => v.toFixed(1);

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="16">${escapeXml(options.title)}</text>`,
  );
  for (const t of xTicks) {
    parts.push(
      `<line x1="${f(sx(t))}" y1="${margin.top}" x2="${f(sx(t))}" y2="${margin.top + plotH}" stroke="#eee"/>`,
      `<text x="${f(sx(t))}" y="${margin.top + plotH + 18}" text-anchor="middle">${t}</text>`,
    );
  }
  for (const t of yTicks) {
    parts.push(
      `<line x1="${margin.left}" y1="${f(sy(t))}" x2="${margin.left + plotW}" y2="${f(sy(t))}" stroke="#eee"/>`,
      `<text x="${margin.left - 8}" y="${f(sy(t) + 4)}" text-anchor="end">${t}</text>`,
    );
  }
  parts.push(
    `<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`,
    `<text x="${margin.left + plotW / 2}" y="${height - 14}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`,
    `<text transform="translate(18 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`,
  );

  options.series.forEach((s, index) => {
    const points = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    if (points.length > 1) {
      const path = points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${f(sx(x))},${f(sy(y))}`).join(' ');
      parts.push(`<path d="${path}" fill="none" stroke="${s.color}" stroke-width="2"${dash}/>`);
    }
    s.points.forEach(([x, y], i) => {
      const e = s.errors?.[i];
      if (e && Number.isFinite(e) && Number.isFinite(y)) {
        parts.push(`<line x1="${f(sx(x))}" y1="${f(sy(y - e))}" x2="${f(sx(x))}" y2="${f(sy(y + e))}" stroke="${s.color}"/>`);
      }
    });
    if (s.markers) {
      for (const [x, y] of points) parts.push(`<circle cx="${f(sx(x))}" cy="${f(sy(y))}" r="3.5" fill="${s.color}"/>`);
    }
    const ly = margin.top + 12 + index * 20;
    const lx = margin.left + plotW + 16;
    parts.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${s.color}" stroke-width="2"${dash}/>`,
      `<text x="${lx + 30}" y="${ly + 4}">${escapeXml(s.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
