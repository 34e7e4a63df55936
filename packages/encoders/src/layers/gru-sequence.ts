import * as tf from '@tensorflow/tfjs';

/**
 * A GRU (PyTorch's formulation, see `GruCell`) run over a whole sequence from a zero state as ONE
 * differentiable op with a hand-written backward pass through time:
 *   forward, per step:  rec = h W_h + b_h;  r, z = sigmoid(x_rz + rec_rz);
 *                       n = tanh(x_n + r * rec_n);  h' = n + z (h - n)
 *   backward, per step (from the last): dh = dH_t + dh_next;
 *     da_n = dh (1 - z)(1 - n^2),  da_z = dh (h - n) z (1 - z),  da_r = da_n rec_n r (1 - r),
 *     dRec_t = [da_r, da_z, da_n r],  dX_t = [da_r, da_z, da_n],
 *     dh_next = dh z + dRec_t W_h^T
 *   then dW_h = H_prev^T dRec and db_h = sum(dRec) over all steps in one product and one sum.
 * Autodiff of the step-by-step graph runs ~30 small kernels per step backward and one weight
 * gradient matMul per step; this runs ~12 and one matMul per step (the recurrence itself), and
 * precomputes the gate derivatives for all steps at once.
 *
 * projected: [B, T, 3H] input projections (x W_i + b_i); returns the states [B, T, H].
 */
export function gruSequence(projected: tf.Tensor3D, recurrentKernel: tf.Tensor2D, recurrentBias: tf.Tensor1D): tf.Tensor3D {
  const [b, t, threeH] = projected.shape;
  const h = threeH / 3;
  const f = tf.customGrad(((x: tf.Tensor3D, wh: tf.Tensor2D, bh: tf.Tensor1D, save: tf.GradSaveFunc) => {
    let state = tf.zeros([b, h]) as tf.Tensor2D;
    const prev: tf.Tensor2D[] = [];
    const rs: tf.Tensor2D[] = [];
    const zs: tf.Tensor2D[] = [];
    const ns: tf.Tensor2D[] = [];
    const recNs: tf.Tensor2D[] = [];
    for (const step of tf.unstack(x, 1) as tf.Tensor2D[]) {
      prev.push(state);
      const rec = tf.add(tf.matMul(state, wh), bh) as tf.Tensor2D;
      const [xRz, xN] = tf.split(step, [2 * h, h], 1) as [tf.Tensor2D, tf.Tensor2D];
      const [recRz, recN] = tf.split(rec, [2 * h, h], 1) as [tf.Tensor2D, tf.Tensor2D];
      const [r, z] = tf.split(tf.sigmoid(tf.add(xRz, recRz)), 2, 1) as [tf.Tensor2D, tf.Tensor2D];
      const n = tf.tanh(tf.add(xN, tf.mul(r, recN))) as tf.Tensor2D;
      state = tf.add(n, tf.mul(z, tf.sub(state, n))) as tf.Tensor2D;
      rs.push(r);
      zs.push(z);
      ns.push(n);
      recNs.push(recN);
    }
    const states = tf.stack([...prev.slice(1), state], 1) as tf.Tensor3D;
    // Saved as [T, B, H] stacks: the backward pass unstacks each once.
    save([tf.stack(prev), tf.stack(rs), tf.stack(zs), tf.stack(ns), tf.stack(recNs), wh]);
    return {
      value: states,
      gradFunc: (dy: tf.Tensor3D, saved: tf.Tensor[]) => {
        const [hPrev, r, z, n, recN, w] = saved as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor2D];
        // Gate derivatives for every step at once.
        const oneMinusZ = tf.sub(1, z);
        const nFactor = tf.mul(oneMinusZ, tf.sub(1, tf.square(n)));
        const zFactor = tf.mul(tf.sub(hPrev, n), tf.mul(z, oneMinusZ));
        const rFactor = tf.mul(recN, tf.mul(r, tf.sub(1, r)));
        const perStep = (s: tf.Tensor) => tf.unstack(s) as tf.Tensor2D[];
        const [nF, zF, rF, zAll, rAll] = [perStep(nFactor), perStep(zFactor), perStep(rFactor), perStep(z), perStep(r)];
        const dStates = tf.unstack(dy, 1) as tf.Tensor2D[];
        const wT = tf.transpose(w) as tf.Tensor2D;
        const dRec: tf.Tensor2D[] = new Array(t);
        const dX: tf.Tensor2D[] = new Array(t);
        let dNext: tf.Tensor2D | null = null;
        for (let i = t - 1; i >= 0; i--) {
          const dh = dNext ? tf.add(dStates[i]!, dNext) : dStates[i]!;
          const daN = tf.mul(dh, nF[i]!);
          const daZ = tf.mul(dh, zF[i]!);
          const daR = tf.mul(daN, rF[i]!);
          const rec = tf.concat([daR, daZ, tf.mul(daN, rAll[i]!)], 1) as tf.Tensor2D;
          dRec[i] = rec;
          dX[i] = tf.concat([daR, daZ, daN], 1) as tf.Tensor2D;
          if (i > 0) dNext = tf.add(tf.mul(dh, zAll[i]!), tf.matMul(rec, wT)) as tf.Tensor2D;
        }
        const dRecAll = tf.reshape(tf.stack(dRec), [t * b, threeH]) as tf.Tensor2D;
        const dW = tf.matMul(tf.reshape(hPrev, [t * b, h]) as tf.Tensor2D, dRecAll, true, false);
        const dB = tf.sum(dRecAll, 0);
        return [tf.stack(dX, 1), dW, dB];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(projected, recurrentKernel, recurrentBias) as tf.Tensor3D;
}
