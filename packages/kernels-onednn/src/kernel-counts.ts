/** How often each kernel ran natively, and why it fell back otherwise. */
export interface KernelCount {
  native: number;
  fallback: Record<string, number>;
}

export type KernelCounts = Record<string, KernelCount>;

const counts = new Map<string, KernelCount>();

function entry(kernelName: string): KernelCount {
  let count = counts.get(kernelName);
  if (!count) {
    count = { native: 0, fallback: {} };
    counts.set(kernelName, count);
  }
  return count;
}

export function countNative(kernelName: string): void {
  entry(kernelName).native += 1;
}

export function countFallback(kernelName: string, reason: string): void {
  const fallback = entry(kernelName).fallback;
  fallback[reason] = (fallback[reason] ?? 0) + 1;
}

/** A snapshot of the counts since the process started (or the last reset). */
export function oneDnnKernelCounts(): KernelCounts {
  const out: KernelCounts = {};
  for (const [name, count] of counts) out[name] = { native: count.native, fallback: { ...count.fallback } };
  return out;
}

export function resetOneDnnKernelCounts(): void {
  counts.clear();
}
