import * as tf from '@tensorflow/tfjs';
import { Rng, type ViewGenerator, type Views } from '@infomax/core';
import { buildViewPipeline, type ViewRecipe } from '../recipes/view-recipe';
import { Compose } from '../transforms/compose';
import { HorizontalFlip } from '../transforms/horizontal-flip';
import { assertImageBatch } from '../transforms/image-batch';
import type { Transform } from '../transforms/transform';

export interface TwoViewGeneratorOptions {
  /** Probability of the one left-right flip per image that both views share (AMDIM: 0.5). */
  sharedFlip?: number;
  /** Pipeline of the first view; the identity when omitted. */
  view1?: Transform;
  /** Pipeline of the second view; the first view's (with its own randomness) when omitted. */
  view2?: Transform;
}

/** A two-view recipe: the shared flip plus one per-view pipeline used for both views. */
export interface TwoViewRecipe extends ViewRecipe {
  sharedFlip: number;
}

/**
 * Two augmented views of a batch (`{ view1, view2 }`): an optional flip shared by both views,
 * then each view's pipeline with an independent random stream.
 */
export class TwoViewGenerator implements ViewGenerator {
  readonly sharedFlip: number;
  readonly view1: Transform;
  readonly view2: Transform;
  private readonly flip: HorizontalFlip;

  constructor(options: TwoViewGeneratorOptions = {}) {
    this.sharedFlip = options.sharedFlip ?? 0;
    this.flip = new HorizontalFlip(this.sharedFlip);
    this.view1 = options.view1 ?? new Compose([]);
    this.view2 = options.view2 ?? this.view1;
  }

  static fromRecipe(recipe: TwoViewRecipe): TwoViewGenerator {
    const pipeline = buildViewPipeline(recipe);
    return new TwoViewGenerator({ sharedFlip: recipe.sharedFlip, view1: pipeline, view2: pipeline });
  }

  generate(batch: tf.Tensor, rng: Rng): Views {
    assertImageBatch(batch, 'TwoViewGenerator batch');
    const images = batch as tf.Tensor4D;
    // One draw from the caller's stream seeds three named children: the views' randomness is
    // independent of each other and of how many numbers each pipeline consumes.
    const streams = new Rng(rng.seed());
    const flipRng = streams.fork('shared-flip');
    const view1Rng = streams.fork('view1');
    const view2Rng = streams.fork('view2');
    return tf.tidy(() => {
      const source = this.sharedFlip > 0 ? this.flip.apply(images, flipRng) : images;
      const view1 = this.view1.apply(source, view1Rng);
      const view2 = this.view2.apply(source, view2Rng);
      // Fresh tensors even from transforms that return their input, so disposing the views
      // never disposes the batch (or one view twice).
      return {
        view1: view1 === images ? tf.clone(view1) : view1,
        view2: view2 === images || view2 === view1 ? tf.clone(view2) : view2,
      };
    });
  }

  getConfig(): Record<string, unknown> {
    return {
      name: 'two-view',
      sharedFlip: this.sharedFlip,
      view1: this.view1.getConfig(),
      view2: this.view2.getConfig(),
    };
  }
}
