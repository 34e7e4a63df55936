import * as tf from '@tensorflow/tfjs';
import { fusedAdamUpdate } from '../backends/wasm-kernels/adam-update';

export interface AdamOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** L2 penalty weight; 0 disables it. */
  weightDecay?: number;
  /**
   * false: add weightDecay * w to the gradient (classic Adam's L2); true: shrink w by
   * lr * weightDecay outside the adaptive update (AdamW).
   */
  decoupledWeightDecay?: boolean;
}

/** Moments are keyed by the variable's stable path, so a state restores in another process. */
export interface AdamState {
  /** Number of updates applied so far (the t of the bias correction). */
  step: number;
  firstMoments: Map<string, tf.Tensor>;
  secondMoments: Map<string, tf.Tensor>;
}

interface Slot {
  variable: tf.Variable;
  m: tf.Variable;
  v: tf.Variable;
}

/** A non-trainable zero variable shaped like `variable`; the initial tensor is freed at once. */
function zeroSlot(variable: tf.Variable): tf.Variable {
  const initial = tf.zerosLike(variable);
  const slot = tf.variable(initial, false);
  initial.dispose();
  return slot;
}

/**
 * Adam (Kingma & Ba 2015) with state keyed by variable paths rather than tfjs's global variable
 * names, which depend on creation order in a process and so cannot key a portable checkpoint.
 * Moments are allocated up front: the number of live tensors is the same before and after the
 * first step.
 */
export class Adam {
  learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  readonly decoupledWeightDecay: boolean;
  private readonly slots = new Map<string, Slot>();
  private iterations = 0;

  constructor(variables: Iterable<[string, tf.Variable]>, options: AdamOptions) {
    this.learningRate = options.learningRate;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0;
    this.decoupledWeightDecay = options.decoupledWeightDecay ?? false;
    if (!(this.beta1 >= 0 && this.beta1 < 1) || !(this.beta2 >= 0 && this.beta2 < 1)) {
      throw new Error(`Adam: betas must be in [0, 1), got (${this.beta1}, ${this.beta2})`);
    }
    for (const [path, variable] of variables) {
      if (this.slots.has(path)) throw new Error(`Adam: two variables share the path '${path}'`);
      if (variable.dtype !== 'float32') {
        throw new Error(`Adam: variable '${path}' is ${variable.dtype}; only float32 variables can be optimised`);
      }
      this.slots.set(path, {
        variable,
        m: zeroSlot(variable),
        v: zeroSlot(variable),
      });
    }
  }

  /** Updates applied so far. */
  get step(): number {
    return this.iterations;
  }

  get paths(): string[] {
    return [...this.slots.keys()];
  }

  /**
   * One update. `grads` maps paths to gradients; variables without a gradient (unused in this
   * loss) are left alone, as are their moments. The inputs are not disposed.
   */
  applyGradients(grads: Map<string, tf.Tensor> | Record<string, tf.Tensor>, learningRate = this.learningRate): void {
    const entries = grads instanceof Map ? [...grads] : Object.entries(grads);
    for (const [path, grad] of entries) {
      const slot = this.slots.get(path);
      if (!slot) throw new Error(`Adam: gradient for unknown variable '${path}'`);
      if (grad.shape.length !== slot.variable.shape.length || grad.shape.some((d, i) => d !== slot.variable.shape[i])) {
        throw new Error(
          `Adam: gradient of '${path}' has shape [${grad.shape.join(', ')}], variable has [${slot.variable.shape.join(', ')}]`,
        );
      }
    }
    const t = this.iterations + 1;
    // Bias corrections are host numbers: t lives on the host, so nothing is read back.
    const correction1 = 1 - this.beta1 ** t;
    const correction2 = 1 - this.beta2 ** t;
    const { beta1, beta2, epsilon, weightDecay } = this;
    const l2 = weightDecay > 0 && !this.decoupledWeightDecay ? weightDecay : 0;
    const decay = weightDecay > 0 && this.decoupledWeightDecay ? learningRate * weightDecay : 0;
    tf.tidy(() => {
      for (const [path, rawGrad] of entries) {
        const { variable, m, v } = this.slots.get(path)!;
        // wasm: the same maths in one kernel (same float32 operations in the same order).
        const fused = fusedAdamUpdate(variable, m, v, rawGrad, { beta1, beta2, correction1, correction2, epsilon, learningRate, l2, decay });
        if (fused) {
          variable.assign(fused[0]);
          m.assign(fused[1]);
          v.assign(fused[2]);
          continue;
        }
        const grad = weightDecay > 0 && !this.decoupledWeightDecay ? tf.add(rawGrad, tf.mul(variable, weightDecay)) : rawGrad;
        const newM = tf.add(tf.mul(m, beta1), tf.mul(grad, 1 - beta1));
        const newV = tf.add(tf.mul(v, beta2), tf.mul(tf.square(grad), 1 - beta2));
        m.assign(newM);
        v.assign(newV);
        const mHat = tf.div(newM, correction1);
        const vHat = tf.div(newV, correction2);
        let updated = tf.sub(variable, tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), epsilon)), learningRate));
        if (weightDecay > 0 && this.decoupledWeightDecay) {
          updated = tf.sub(updated, tf.mul(variable, learningRate * weightDecay));
        }
        variable.assign(updated);
      }
    });
    this.iterations = t;
  }

  /** Copies of the step count and moments; the caller disposes the tensors. */
  getState(): AdamState {
    const firstMoments = new Map<string, tf.Tensor>();
    const secondMoments = new Map<string, tf.Tensor>();
    for (const [path, slot] of this.slots) {
      firstMoments.set(path, tf.clone(slot.m));
      secondMoments.set(path, tf.clone(slot.v));
    }
    return { step: this.iterations, firstMoments, secondMoments };
  }

  /**
   * Restores a state taken by `getState` (possibly in another process). Every path must be
   * present with the variable's shape; nothing is changed unless all of them are. The inputs
   * are not disposed.
   */
  setState(state: AdamState): void {
    if (!Number.isInteger(state.step) || state.step < 0) {
      throw new Error(`Adam.setState: step must be a non-negative integer, got ${state.step}`);
    }
    for (const [path, slot] of this.slots) {
      for (const [label, moments] of [['first', state.firstMoments], ['second', state.secondMoments]] as const) {
        const tensor = moments.get(path);
        if (!tensor) throw new Error(`Adam.setState: the ${label} moment of '${path}' is missing`);
        if (tensor.shape.length !== slot.variable.shape.length || tensor.shape.some((d, i) => d !== slot.variable.shape[i])) {
          throw new Error(
            `Adam.setState: the ${label} moment of '${path}' has shape [${tensor.shape.join(', ')}], ` +
              `the variable has [${slot.variable.shape.join(', ')}]`,
          );
        }
      }
    }
    for (const moments of [state.firstMoments, state.secondMoments]) {
      for (const path of moments.keys()) {
        if (!this.slots.has(path)) throw new Error(`Adam.setState: moment for unknown variable '${path}'`);
      }
    }
    tf.tidy(() => {
      for (const [path, slot] of this.slots) {
        slot.m.assign(tf.cast(state.firstMoments.get(path)!, 'float32'));
        slot.v.assign(tf.cast(state.secondMoments.get(path)!, 'float32'));
      }
    });
    this.iterations = state.step;
  }

  dispose(): void {
    for (const slot of this.slots.values()) {
      slot.m.dispose();
      slot.v.dispose();
    }
    this.slots.clear();
  }
}
