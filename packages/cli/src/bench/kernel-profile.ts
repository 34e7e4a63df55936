import * as tf from '@tensorflow/tfjs';
import type { ContainerModule } from 'inversify';
import { oneDnnKernelCounts, resetOneDnnKernelCounts, type KernelCounts } from '@infomax/kernels-onednn';
import { setWasmBackgroundGradients, wasmBackgroundGradients } from '@infomax/core';
import type { BenchConfig } from './bench-configs';
import { round } from './bench-result';
import { buildBenchHarness } from './bench-step';

/** Kernel families of one training step, in the order the table prints them. */
const CATEGORIES: [string, (kernel: string) => boolean][] = [
  ['conv forward', (k) => /^(Conv2D|FusedConv2D|DepthwiseConv2dNative|FusedDepthwiseConv2D|Conv1D)$/.test(k)],
  ['conv input gradient', (k) => /^(Conv2DBackpropInput|DepthwiseConv2dNativeBackpropInput)$/.test(k)],
  ['conv filter gradient', (k) => /^(Conv2DBackpropFilter|DepthwiseConv2dNativeBackpropFilter)$/.test(k)],
  ['matMul', (k) => /^(BatchMatMul|_FusedMatMul)$/.test(k)],
  ['pooling gradients', (k) => /PoolGrad|Pool3DGrad/.test(k)],
  ['pooling', (k) => /Pool/.test(k)],
  ['reductions', (k) => /^(Sum|Max|Min|Mean|Prod|ArgMax|ArgMin|All|Any|Cumsum|Cumprod|UnsortedSegmentSum)$/.test(k)],
  ['transposes', (k) => k === 'Transpose'],
  ['data movement', (k) => /^(Tile|Pad|MirrorPad|Slice|StridedSlice|Concat|Pack|Unpack|Reshape|GatherV2|GatherNd|ScatterNd|Cast|Identity|Reverse|OneHot|Fill|ZerosLike|OnesLike|Range|Select|SplitV|BroadcastTo)$/.test(k)],
];

export interface KernelProfileRow {
  category: string;
  kernel: string;
  calls: number;
  ms: number;
}

export interface KernelProfile {
  config: string;
  backend: string;
  kernels: string;
  step_ms: number;
  rows: KernelProfileRow[];
  categories: { category: string; ms: number; share: number }[];
  /** Native oneDNN calls and fallbacks (with reasons) during the profiled step; empty without oneDNN. */
  native: KernelCounts;
}

export function categoryOf(kernel: string): string {
  return CATEGORIES.find(([, test]) => test(kernel))?.[0] ?? 'elementwise';
}

/**
 * Per-kernel time of one step (after warm-up), via tf.profile. Composed kernels that call other
 * kernels through the engine report both the outer and the inner calls; the outer time is what
 * the step pays, so nested time is subtracted from its parent where tfjs reports it. Filter
 * gradients run in the foreground for the profiled step: in the background (wasm with helper
 * threads) their time would show up in whichever later kernel waits for them.
 */
export async function profileBench(
  config: BenchConfig,
  modules: readonly ContainerModule[],
  kernels: string,
  warmupSteps = 2,
): Promise<KernelProfile> {
  const harness = buildBenchHarness(config, modules);
  const background = wasmBackgroundGradients();
  setWasmBackgroundGradients(false);
  try {
    for (let i = 0; i < warmupSteps; i++) await harness.step(i);
    resetOneDnnKernelCounts();
    const start = performance.now();
    const info = await tf.profile(() => harness.step(warmupSteps));
    const stepMs = performance.now() - start;
    const native = oneDnnKernelCounts();
    const byKernel = new Map<string, KernelProfileRow>();
    for (const k of info.kernels) {
      const ms = Number(await k.kernelTimeMs) || 0;
      const row = byKernel.get(k.name) ?? { category: categoryOf(k.name), kernel: k.name, calls: 0, ms: 0 };
      row.calls += 1;
      row.ms += ms;
      byKernel.set(k.name, row);
    }
    const rows = [...byKernel.values()].map((r) => ({ ...r, ms: round(r.ms) })).sort((a, b) => b.ms - a.ms);
    const total = rows.reduce((s, r) => s + r.ms, 0) || 1;
    const categories = [...new Set(rows.map((r) => r.category))]
      .map((category) => {
        const ms = rows.filter((r) => r.category === category).reduce((s, r) => s + r.ms, 0);
        return { category, ms: round(ms), share: round(ms / total, 3) };
      })
      .sort((a, b) => b.ms - a.ms);
    return { config: config.name, backend: tf.getBackend(), kernels, step_ms: round(stepMs), rows, categories, native };
  } finally {
    harness.dispose();
    setWasmBackgroundGradients(background);
  }
}

export function formatKernelProfile(profile: KernelProfile, topKernels = 15): string {
  const lines = [
    `${profile.config} on ${profile.backend} (kernels: ${profile.kernels}), one step ${profile.step_ms} ms (profiled)`,
    '',
    'category                    ms     share',
    ...profile.categories.map((c) => `${c.category.padEnd(24)} ${c.ms.toFixed(1).padStart(8)}  ${(c.share * 100).toFixed(1).padStart(5)} %`),
    '',
    'kernel                          calls        ms  category',
    ...profile.rows
      .slice(0, topKernels)
      .map((r) => `${r.kernel.padEnd(30)} ${String(r.calls).padStart(6)} ${r.ms.toFixed(1).padStart(9)}  ${r.category}`),
  ];
  const native = Object.entries(profile.native);
  if (native.length > 0) {
    lines.push('', 'oneDNN kernel                  native  fallback (reason: calls)');
    for (const [kernel, count] of native) {
      const fallbacks = Object.entries(count.fallback).map(([reason, calls]) => `${reason}: ${calls}`);
      lines.push(`${kernel.padEnd(30)} ${String(count.native).padStart(6)}  ${fallbacks.join(', ') || '-'}`);
    }
  }
  return lines.join('\n');
}
