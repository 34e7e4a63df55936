import * as tf from '@tensorflow/tfjs';
import { assertSameShape, type Rng } from '@infomax/core';
import { selectPerImage } from './image-batch';
import { isParametric, type Transform } from './transform';

/**
 * Applies `transform` to each image independently with probability `p`. A parametric transform
 * receives identity parameters for the skipped images (one pass over the batch); any other
 * transform is applied to the whole batch and the result selected per image with `tf.where`.
 */
export class RandomApply implements Transform {
  readonly name: string;

  constructor(
    readonly transform: Transform,
    readonly p: number,
  ) {
    if (!(p >= 0 && p <= 1)) throw new Error(`RandomApply(${transform.name}): p must be in [0, 1], got ${p}`);
    this.name = `random-apply(${transform.name})`;
  }

  apply(batch: tf.Tensor4D, rng: Rng): tf.Tensor4D {
    const active: boolean[] = [];
    for (let i = 0; i < batch.shape[0]; i++) active.push(rng.bernoulli(this.p));
    const inner = this.transform;
    if (isParametric(inner)) {
      const params = inner.sampleParams(batch.shape, rng, active);
      return tf.tidy(() => inner.applyParams(batch, params));
    }
    return tf.tidy(() => {
      const transformed = inner.apply(batch, rng);
      if (!active.some(Boolean)) return tf.clone(batch);
      assertSameShape(transformed, batch, `${this.transform.name} output`, 'its input');
      return selectPerImage(active, transformed, batch);
    });
  }

  getConfig(): Record<string, unknown> {
    return { name: 'random-apply', p: this.p, transform: this.transform.getConfig() };
  }
}
