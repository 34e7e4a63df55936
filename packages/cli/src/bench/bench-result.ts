/** One JSON line of `infomax bench`: the fields shared/spec/BENCHMARKS.md asks for. */
export interface BenchResult {
  config: string;
  backend: string;
  kernels: string;
  step_ms_median: number;
  step_ms_min: number;
  step_ms_max: number;
  images_per_s: number;
  peak_rss_mb: number;
  tensor_delta: number;
  steps: number;
  warmup_steps: number;
  parameters: number;
  date: string;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
