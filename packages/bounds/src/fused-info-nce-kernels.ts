import * as tf from '@tensorflow/tfjs';
import { infoNceBackward, infoNceForward, type InfoNceHostShape } from './info-nce-host-math';
import { kernelMemory } from './kernel-memory';
import { infoNceSimdFor } from './info-nce-simd-kernels';
import { simdInfoNceBackward, simdInfoNceForward, simdPassesAccept } from './info-nce-simd-passes';
import { WasmHeap, type WasmBackendLike } from './wasm-heap';

/**
 * Forward: inputs {scores, positiveMask}; outputs the scalars [loss, estimate, nce, regularizer]
 * and, for the gradient only, the parts [weights [N, M], rowWeights [N]] (`InfoNceGradientParts`).
 */
export const INFO_NCE_KERNEL = 'InfomaxInfoNce';
/**
 * Backward: inputs {scores, positiveMask, weights, rowWeights, dLoss, dEstimate, dNce,
 * dRegularizer}; output d/dscores.
 */
export const INFO_NCE_GRAD_KERNEL = 'InfomaxInfoNceGrad';
/** The backends whose tensors live in this process, where the kernels can reach them. */
export const FUSED_INFO_NCE_BACKENDS = ['cpu', 'wasm'] as const;

/** Kernel attributes: `clip` 0 means no clip. */
export interface FusedInfoNceAttrs {
  clip: number;
  l2: number;
}

type KernelArgs = Parameters<tf.KernelFunc>[0];

function hostShape(scores: tf.TensorInfo, attrs: KernelArgs['attrs']): InfoNceHostShape {
  const { clip, l2 } = attrs as unknown as FusedInfoNceAttrs;
  const [rows, columns] = scores.shape as [number, number];
  return { rows, columns, clip, l2 };
}

/**
 * On wasm, the SIMD passes on the heap where infomax's SIMD kernels are available (and not
 * switched off); else, and on cpu (the numerical reference), the JS passes.
 */
function simdOn(backendName: string, backend: unknown) {
  return backendName === 'wasm' ? infoNceSimdFor(backend) : null;
}

function forwardKernel(backendName: string): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { scores, positiveMask } = inputs as { scores: tf.TensorInfo; positiveMask: tf.TensorInfo };
    const shape = hostShape(scores, attrs);
    const simd = simdOn(backendName, backend);
    if (simd !== null && simdPassesAccept(scores, positiveMask)) {
      return simdInfoNceForward(new WasmHeap(backend as unknown as WasmBackendLike), simd, scores, positiveMask, shape);
    }
    const memory = kernelMemory(backendName, backend)!;
    const parts = { weights: new Float32Array(shape.rows * shape.columns), rowWeights: new Float32Array(shape.rows) };
    const values = infoNceForward(memory.read(scores) as Float32Array, memory.read(positiveMask), shape, parts);
    const scalars = [values.loss, values.estimate, values.nce, values.regularizer];
    return [
      ...scalars.map((v) => memory.output([], Float32Array.of(v))),
      memory.output([shape.rows, shape.columns], parts.weights),
      memory.output([shape.rows], parts.rowWeights),
    ];
  };
}

function gradKernel(backendName: string): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { scores, positiveMask, weights, rowWeights, dLoss, dEstimate, dNce, dRegularizer } = inputs as Record<
      string,
      tf.TensorInfo
    >;
    const shape = hostShape(scores!, attrs);
    const simd = simdOn(backendName, backend);
    if (simd !== null && simdPassesAccept(scores!, positiveMask!)) {
      const heap = new WasmHeap(backend as unknown as WasmBackendLike);
      const scalar = (info: tf.TensorInfo | undefined) => heap.scalar(info!);
      const upstream = { loss: scalar(dLoss), estimate: scalar(dEstimate), nce: scalar(dNce), regularizer: scalar(dRegularizer) };
      return simdInfoNceBackward(heap, simd, { scores: scores!, mask: positiveMask!, weights: weights!, rowWeights: rowWeights! }, upstream, shape);
    }
    const memory = kernelMemory(backendName, backend)!;
    const scalar = (info: tf.TensorInfo | undefined) => memory.read(info!)[0]!;
    const upstream = { loss: scalar(dLoss), estimate: scalar(dEstimate), nce: scalar(dNce), regularizer: scalar(dRegularizer) };
    const parts = { weights: memory.read(weights!) as Float32Array, rowWeights: memory.read(rowWeights!) as Float32Array };
    const dx = new Float32Array(shape.rows * shape.columns);
    infoNceBackward(memory.read(scores!) as Float32Array, memory.read(positiveMask!), shape, parts, upstream, dx);
    return memory.output([shape.rows, shape.columns], dx);
  };
}

const gradConfig: tf.GradConfig = {
  kernelName: INFO_NCE_KERNEL,
  inputsToSave: ['scores', 'positiveMask'],
  outputsToSave: [false, false, false, false, true, true],
  gradFunc: (dys, saved, attrs) => {
    const [scores, positiveMask, weights, rowWeights] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
    const [dLoss, dEstimate, dNce, dRegularizer] = dys as tf.Tensor[];
    return {
      scores: () =>
        tf.engine().runKernel(
          INFO_NCE_GRAD_KERNEL,
          { scores, positiveMask, weights, rowWeights, dLoss: dLoss!, dEstimate: dEstimate!, dNce: dNce!, dRegularizer: dRegularizer! },
          attrs,
        ) as tf.Tensor,
      // The mask is data; tfjs only asks for this if someone differentiates through a mask.
      positiveMask: () => tf.zeros(positiveMask.shape),
    };
  },
};

/**
 * Registers both kernels for cpu and wasm and the forward kernel's gradient. Idempotent, and
 * leaves alone whatever another copy of this package (or anyone) registered under these names:
 * tfjs' kernel registry is global, and registering a name twice throws.
 */
export function registerFusedInfoNceKernels(): void {
  for (const backendName of FUSED_INFO_NCE_BACKENDS) {
    if (tf.getKernel(INFO_NCE_KERNEL, backendName) === undefined) {
      tf.registerKernel({ kernelName: INFO_NCE_KERNEL, backendName, kernelFunc: forwardKernel(backendName) });
    }
    if (tf.getKernel(INFO_NCE_GRAD_KERNEL, backendName) === undefined) {
      tf.registerKernel({ kernelName: INFO_NCE_GRAD_KERNEL, backendName, kernelFunc: gradKernel(backendName) });
    }
  }
  if (tf.getGradient(INFO_NCE_KERNEL) === undefined) tf.registerGradient(gradConfig);
}

/** Whether the active backend runs the fused kernels (cpu and wasm, once registered). */
export function fusedInfoNceAvailable(): boolean {
  const backendName = tf.getBackend();
  return (
    tf.getKernel(INFO_NCE_KERNEL, backendName) !== undefined &&
    tf.getKernel(INFO_NCE_GRAD_KERNEL, backendName) !== undefined &&
    tf.getGradient(INFO_NCE_KERNEL) !== undefined
  );
}

/**
 * [loss, estimate, nce, regularizer] of InfoNCE in one kernel; call only when
 * `fusedInfoNceAvailable()`. The gradient parts are dropped here: tfjs keeps its own copies
 * of them on the tape when a gradient is being recorded.
 */
export function fusedInfoNce(
  scores: tf.Tensor2D,
  positiveMask: tf.Tensor2D,
  attrs: FusedInfoNceAttrs,
): [tf.Scalar, tf.Scalar, tf.Scalar, tf.Scalar] {
  const outputs = tf.engine().runKernel(INFO_NCE_KERNEL, { scores, positiveMask }, attrs as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
  const [loss, estimate, nce, regularizer, ...parts] = outputs as [tf.Scalar, tf.Scalar, tf.Scalar, tf.Scalar, ...tf.Tensor[]];
  tf.dispose(parts);
  return [loss, estimate, nce, regularizer];
}
