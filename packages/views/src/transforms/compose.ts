import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@infomax/core';
import { assertImageBatch } from './image-batch';
import type { Transform } from './transform';

/** Applies transforms in order, drawing from one RNG stream; an empty list is the identity. */
export class Compose implements Transform {
  readonly name = 'compose';
  readonly transforms: readonly Transform[];

  constructor(transforms: readonly Transform[]) {
    this.transforms = [...transforms];
  }

  apply(batch: tf.Tensor4D, rng: Rng): tf.Tensor4D {
    assertImageBatch(batch, 'Compose input');
    return tf.tidy(() => {
      const out = this.transforms.reduce<tf.Tensor4D>((x, t) => t.apply(x, rng), batch);
      // Always a new tensor, so a caller may dispose the result without disposing its input.
      return out === batch ? tf.clone(batch) : out;
    });
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, transforms: this.transforms.map((t) => t.getConfig()) };
  }
}
