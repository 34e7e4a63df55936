import * as tf from '@tensorflow/tfjs';
import { registerWasmTrainingKernels, setWasmThreadedRowPasses, wasmThreadedRowPasses } from '@infomax/core';
import { os } from './node-os';
import { conv2dPlan } from './kernels/conv2d';
import { conv2dBackpropFilterPlan, conv2dBackpropInputPlan } from './kernels/conv2d-backprop';
import { matMulPlan } from './kernels/mat-mul';
import { loadOneDnnAddon, type OneDnnAddon } from './native-addon';
import { nativeOrFallback, type KernelArgs, type NativePlan } from './native-call';

/** Backends whose tensors live in memory the addon can read in place. */
export const ONEDNN_BACKENDS = ['wasm', 'cpu'] as const;

const PLANS: readonly [string, (addon: OneDnnAddon) => (args: KernelArgs) => NativePlan][] = [
  ['Conv2D', (addon) => conv2dPlan(addon, false)],
  ['FusedConv2D', (addon) => conv2dPlan(addon, true)],
  ['Conv2DBackpropInput', conv2dBackpropInputPlan],
  ['Conv2DBackpropFilter', conv2dBackpropFilterPlan],
  ['BatchMatMul', (addon) => matMulPlan(addon, false)],
  ['_FusedMatMul', (addon) => matMulPlan(addon, true)],
];

export const ONEDNN_KERNEL_NAMES: readonly string[] = PLANS.map(([name]) => name);

const ONEDNN_KERNEL = Symbol.for('@infomax/kernels-onednn/kernel');
// core's wasm kernels carry this mark; keeping it on our wrappers stops a later
// registerWasmTrainingKernels() from wrapping them a second time.
const CORE_WASM_KERNEL = Symbol.for('@infomax/core/wasm-training-kernel');

type Marked = tf.KernelFunc & { [ONEDNN_KERNEL]?: tf.KernelConfig };

/** The kernel set that was registered, for the startup line and bench JSON. */
export interface OneDnnRegistration {
  /** "onednn 2.6.3 (2 threads)". */
  description: string;
  version: string;
  threads: number;
  addonPath: string;
  backends: string[];
}

export type OneDnnRegistrationResult = { ok: true; registration: OneDnnRegistration } | { ok: false; reason: string };

export interface RegisterOneDnnOptions {
  /** OpenMP threads for oneDNN; default INFOMAX_ONEDNN_THREADS, else the machine's cores. */
  threads?: number;
  /**
   * Work (floating-point operations) below which a kernel runs on one thread even when `threads`
   * is larger: waking a second thread costs more than it saves on small kernels, and far more
   * when another process holds the other core. Default 2e7.
   */
  parallelMinFlops?: number;
  /** Backends to serve (default wasm and cpu). */
  backends?: readonly string[];
}

function defaultThreads(): number {
  const configured = Number(process.env['INFOMAX_ONEDNN_THREADS']);
  return Number.isInteger(configured) && configured >= 1 ? configured : os.availableParallelism();
}

/** Whether registering turned infomax's threaded row passes off (unregistering turns them back on). */
let rowPassesTurnedOff = false;

/**
 * Wraps Conv2D, FusedConv2D, both conv gradients, BatchMatMul and _FusedMatMul of the wasm and
 * cpu backends with the oneDNN addon; each wrapper hands what it does not handle (NCHW, prelu,
 * general broadcasting, non-float32...) to the kernel it replaced, counting why. Idempotent.
 * Register after the backend's own kernels (and infomax's wasm kernels) exist, i.e. after
 * `initNodeBackend`. Never throws for a missing addon or library: the result says why.
 */
export function registerOneDnnKernels(options: RegisterOneDnnOptions = {}): OneDnnRegistrationResult {
  const loaded = loadOneDnnAddon();
  if (!loaded.ok) return { ok: false, reason: loaded.reason };
  const { addon } = loaded;
  const threads = options.threads ?? defaultThreads();
  addon.setThreads(threads, options.parallelMinFlops ?? 2e7);
  const backends = (options.backends ?? ONEDNN_BACKENDS).filter((b) => (ONEDNN_BACKENDS as readonly string[]).includes(b));
  for (const backendName of backends) {
    // The wasm backend lacks Conv2DBackpropFilter until infomax adds it: add it first, so the
    // wrapper has a portable kernel to fall back on.
    if (backendName === 'wasm') {
      registerWasmTrainingKernels();
      // oneDNN's own threads hold both cores in its kernels; infomax's wasm helper, spinning
      // between the row-wise passes it would otherwise take, got in their way (amdim-bench
      // 237 -> 278 ms per step, measured). Those passes stay on the calling thread.
      if (wasmThreadedRowPasses()) {
        setWasmThreadedRowPasses(false);
        rowPassesTurnedOff = true;
      }
    }
    for (const [kernelName, makePlan] of PLANS) wrapKernel(kernelName, backendName, makePlan(addon));
  }
  const { version } = addon.info();
  return {
    ok: true,
    registration: {
      description: `onednn ${version} (${threads} thread${threads === 1 ? '' : 's'})`,
      version,
      threads,
      addonPath: loaded.path,
      backends: [...backends],
    },
  };
}

function wrapKernel(kernelName: string, backendName: string, plan: (args: KernelArgs) => NativePlan): void {
  const current = tf.getKernel(kernelName, backendName);
  // Without a kernel to fall back on, the slot is left to whoever registers one later.
  if (!current || (current.kernelFunc as Marked)[ONEDNN_KERNEL]) return;
  const fallback = current.kernelFunc;
  const kernelFunc: Marked = (args) => nativeOrFallback(kernelName, backendName, args, fallback, plan);
  kernelFunc[ONEDNN_KERNEL] = current;
  if ((fallback as { [CORE_WASM_KERNEL]?: boolean })[CORE_WASM_KERNEL]) Object.assign(kernelFunc, { [CORE_WASM_KERNEL]: true });
  tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel({
    kernelName,
    backendName,
    kernelFunc,
    // Stock wasm kernels bind their functions in setup; the fallback path needs that binding.
    ...(current.setupFunc ? { setupFunc: current.setupFunc } : {}),
    ...(current.disposeFunc ? { disposeFunc: current.disposeFunc } : {}),
  });
}

/** Puts back the kernels registerOneDnnKernels wrapped (tests compare both paths in one process). */
export function unregisterOneDnnKernels(): void {
  if (rowPassesTurnedOff) setWasmThreadedRowPasses(true);
  rowPassesTurnedOff = false;
  for (const backendName of ONEDNN_BACKENDS) {
    for (const kernelName of ONEDNN_KERNEL_NAMES) {
      const current = tf.getKernel(kernelName, backendName);
      const original = (current?.kernelFunc as Marked | undefined)?.[ONEDNN_KERNEL];
      if (!current || !original) continue;
      tf.unregisterKernel(kernelName, backendName);
      tf.registerKernel(original);
    }
  }
}

/** Which of the six kernels are oneDNN's right now, per backend. */
export function oneDnnKernelStatus(): Record<string, Record<string, 'onednn' | 'other' | 'missing'>> {
  const status: Record<string, Record<string, 'onednn' | 'other' | 'missing'>> = {};
  for (const backendName of ONEDNN_BACKENDS) {
    status[backendName] = {};
    for (const kernelName of ONEDNN_KERNEL_NAMES) {
      const kernel = tf.getKernel(kernelName, backendName);
      status[backendName]![kernelName] = !kernel ? 'missing' : (kernel.kernelFunc as Marked)[ONEDNN_KERNEL] ? 'onednn' : 'other';
    }
  }
  return status;
}
