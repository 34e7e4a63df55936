import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Dense, Rng, TEST_BACKENDS, useBackend } from '@infomax/core';
import { donskerVaradhan, infoNce, jsd, nwj } from '@infomax/bounds';

/**
 * The fast variant of examples/known-mi-bounds: correlated Gaussians, whose mutual information
 * is known in closed form, I = -d/2 log(1 - rho^2). First with the analytically optimal critic
 * (the log density ratio), which pins each bound's value without any training; then a short
 * training run that must move InfoNCE from ~0 towards the truth.
 */
const trueMi = (rho: number, dims: number) => (-dims / 2) * Math.log(1 - rho * rho);

function samplePairs(batch: number, dims: number, rho: number, rng: Rng): { x: Float32Array; y: Float32Array } {
  const x = rng.normalArray(batch * dims);
  const noise = rng.normalArray(batch * dims);
  const y = new Float32Array(batch * dims);
  const s = Math.sqrt(1 - rho * rho);
  for (let i = 0; i < y.length; i++) y[i] = rho * x[i]! + s * noise[i]!;
  return { x, y };
}

/**
 * S[i][j] = log p(x_i, y_j) / (p(x_i) p(y_j)): the critic DV, InfoNCE and JSD are maximised by
 * (NWJ's optimum is 1 + this).
 */
function optimalScores(x: Float32Array, y: Float32Array, batch: number, dims: number, rho: number): tf.Tensor2D {
  const c = 1 - rho * rho;
  const out = new Float32Array(batch * batch);
  for (let i = 0; i < batch; i++) {
    for (let j = 0; j < batch; j++) {
      let t = 0;
      for (let k = 0; k < dims; k++) {
        const a = x[i * dims + k]!;
        const b = y[j * dims + k]!;
        t += -0.5 * Math.log(c) - (rho * rho * (a * a + b * b) - 2 * rho * a * b) / (2 * c);
      }
      out[i * batch + j] = t;
    }
  }
  return tf.tensor2d(out, [batch, batch]);
}

type Estimates = { infoNce: number; jsd: number; dv: number; nwj: number };

/** Mean estimate of every bound with the optimal critic over `batches` independent batches. */
async function optimalEstimates(rho: number, dims: number, batch: number, batches: number): Promise<Estimates> {
  const rng = new Rng(`known-mi/${rho}/${dims}/${batch}`);
  const mask = tf.eye(batch) as tf.Tensor2D;
  const total: Estimates = { infoNce: 0, jsd: 0, dv: 0, nwj: 0 };
  for (let b = 0; b < batches; b++) {
    const { x, y } = samplePairs(batch, dims, rho, rng);
    const values = tf.tidy(() => {
      const scores = optimalScores(x, y, batch, dims, rho);
      return tf.stack([
        infoNce(scores, mask).estimate,
        jsd(scores, mask).estimate,
        donskerVaradhan(scores, mask).estimate,
        nwj(tf.add(scores, 1) as tf.Tensor2D, mask).estimate,
      ]);
    });
    const [a, j, d, n] = await values.data();
    values.dispose();
    total.infoNce += a! / batches;
    total.jsd += j! / batches;
    total.dv += d! / batches;
    total.nwj += n! / batches;
  }
  mask.dispose();
  return total;
}

for (const { name: backend } of TEST_BACKENDS) {
  describe(`known MI with the optimal critic on ${backend}`, () => {
    beforeAll(() => useBackend(backend));
    const dims = 2;
    const batch = 128;

    it('DV and NWJ recover the true MI, InfoNCE stays just below it, JSD grows with it', async () => {
      const jsdValues: number[] = [];
      for (const rho of [0, 0.5, 0.8]) {
        const truth = trueMi(rho, dims);
        const e = await optimalEstimates(rho, dims, batch, 8);
        expect(Math.abs(e.dv - truth), `dv ${e.dv} vs ${truth} at rho ${rho}`).toBeLessThan(0.1);
        expect(Math.abs(e.nwj - truth), `nwj ${e.nwj} vs ${truth} at rho ${rho}`).toBeLessThan(0.1);
        // InfoNCE is a lower bound with small bias when I << log N (here log 128 = 4.85).
        expect(e.infoNce, `infoNce ${e.infoNce} vs ${truth} at rho ${rho}`).toBeLessThan(truth + 0.05);
        expect(e.infoNce, `infoNce ${e.infoNce} vs ${truth} at rho ${rho}`).toBeGreaterThan(truth - 0.15);
        expect(e.jsd).toBeLessThan(Math.log(2));
        jsdValues.push(e.jsd);
      }
      expect(Math.abs(jsdValues[0]!)).toBeLessThan(0.02);
      expect(jsdValues[1]!).toBeGreaterThan(jsdValues[0]! + 0.02);
      expect(jsdValues[2]!).toBeGreaterThan(jsdValues[1]! + 0.02);
    });

    it('InfoNCE saturates at log N when the true MI is far above it', async () => {
      const rho = 0.999;
      const truth = trueMi(rho, dims); // 6.2 nats > log 128
      const { infoNce: nce } = await optimalEstimates(rho, dims, batch, 2);
      expect(nce).toBeLessThanOrEqual(Math.log(batch) + 1e-4);
      expect(nce).toBeGreaterThan(Math.log(batch) - 1);
      expect(nce).toBeLessThan(truth - 1);
    });
  });
}

class TinySeparableCritic {
  readonly layers: Dense[];
  constructor(dims: number, hidden: number, embedding: number, rng: Rng) {
    this.layers = [
      new Dense({ inUnits: dims, units: hidden }, rng.fork('gx1')),
      new Dense({ inUnits: hidden, units: embedding }, rng.fork('gx2')),
      new Dense({ inUnits: dims, units: hidden }, rng.fork('gy1')),
      new Dense({ inUnits: hidden, units: embedding }, rng.fork('gy2')),
    ];
  }
  score(x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D {
    const [a1, a2, b1, b2] = this.layers as [Dense, Dense, Dense, Dense];
    const u = a2.apply(tf.relu(a1.apply(x)));
    const v = b2.apply(tf.relu(b1.apply(y)));
    return tf.matMul(u as tf.Tensor2D, v as tf.Tensor2D, false, true);
  }
  dispose() {
    for (const l of this.layers) l.dispose();
  }
}

describe('known MI, trained critic (cpu)', () => {
  beforeAll(() => useBackend('cpu'));

  it('training a small critic with InfoNCE moves the estimate from ~0 to near the truth', async () => {
    const dims = 2;
    const batch = 64;
    const rho = 0.8;
    const truth = trueMi(rho, dims); // 1.02 nats
    const rng = new Rng(11);
    const critic = new TinySeparableCritic(dims, 32, 16, rng.fork('critic'));
    const optimizer = tf.train.adam(5e-3);
    const mask = tf.eye(batch) as tf.Tensor2D;
    const evaluate = async () => {
      let total = 0;
      const evalRng = new Rng('eval');
      for (let i = 0; i < 4; i++) {
        const { x, y } = samplePairs(batch, dims, rho, evalRng);
        const estimate = tf.tidy(
          () => infoNce(critic.score(tf.tensor2d(x, [batch, dims]), tf.tensor2d(y, [batch, dims])), mask).estimate,
        );
        total += (await estimate.data())[0]!;
        estimate.dispose();
      }
      return total / 4;
    };
    const before = await evaluate();
    const dataRng = rng.fork('data');
    for (let step = 0; step < 60; step++) {
      const { x, y } = samplePairs(batch, dims, rho, dataRng);
      tf.tidy(() => {
        const xs = tf.tensor2d(x, [batch, dims]);
        const ys = tf.tensor2d(y, [batch, dims]);
        optimizer.minimize(() => infoNce(critic.score(xs, ys), mask).loss);
      });
    }
    const after = await evaluate();
    expect(Math.abs(before)).toBeLessThan(0.3);
    expect(after).toBeGreaterThan(0.7 * truth);
    expect(after).toBeLessThan(truth + 0.15);
    expect(after).toBeLessThan(Math.log(batch));
    optimizer.dispose();
    mask.dispose();
    critic.dispose();
  });
});
