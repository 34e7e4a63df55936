/** Round axis ticks (1, 2 or 5 times a power of ten) covering [min, max], about `count` of them. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  const raw = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step - 1e-9) * step; t <= max + step * 1e-9; t += step) {
    // Snap away float noise (0.30000000000000004).
    ticks.push(Number(t.toPrecision(12)));
  }
  return ticks;
}

/** A short label for an axis value: 0.0002 as 2e-4, 12345 as 12.3k, 0.123 as 0.123. */
export function formatTick(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${trim((value / 1e6).toPrecision(3))}M`;
  if (abs >= 1e4) return `${trim((value / 1e3).toPrecision(3))}k`;
  if (abs >= 100) return String(Math.round(value));
  if (abs < 1e-2) {
    const [mantissa, exponent] = value.toExponential(1).split('e');
    return `${trim(mantissa!)}e${Number(exponent)}`;
  }
  return trim(value.toPrecision(3));
}

function trim(text: string): string {
  return text.includes('.') && !text.includes('e') ? text.replace(/\.?0+$/, '') : text;
}
