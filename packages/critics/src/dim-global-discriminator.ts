import * as tf from '@tensorflow/tfjs';
import { assertShapes, Conv2d, Dense, Module, type ApplyOptions, type Critic, type CriticOutput, type Rng } from '@infomax/core';
import { diagonalMask } from './masks/diagonal-mask';

export interface DimGlobalDiscriminatorOptions {
  /** Channels of the global vector Y. */
  globalChannels: number;
  /** Channels of the local feature map. */
  localChannels: number;
  /** Height and width of the local map (a number for square maps); at least 5 (two valid 3x3 convs). */
  mapSize: number | [number, number];
  /** Channels of the two 3x3 convs (DIM: 64, 32). */
  convChannels?: [number, number];
  /** Width of the two hidden FC layers (DIM: 512). */
  hiddenUnits?: number;
}

/**
 * DIM's global discriminator: the map through 3x3 conv -> ReLU -> 3x3 conv (valid padding),
 * flattened (NHWC order), concatenated with Y, then FC -> ReLU -> FC -> ReLU -> FC to one score.
 *
 * Scores all pairs (Y_i, map_j): [B, B], diagonal positive. The convs run once per map and the
 * first FC of a concatenation is W_m m + W_y y + b, so both halves are computed once ([B] rows
 * each) and broadcast-added; only the last two FC layers see all B*B pairs.
 */
export class DimGlobalDiscriminator extends Module implements Critic {
  readonly conv1: Conv2d;
  readonly conv2: Conv2d;
  readonly fc1: Dense;
  readonly fc2: Dense;
  readonly fc3: Dense;
  readonly mapHeight: number;
  readonly mapWidth: number;
  private readonly flatUnits: number;

  constructor(
    readonly options: DimGlobalDiscriminatorOptions,
    rng: Rng,
  ) {
    super();
    const { globalChannels, localChannels } = options;
    const [h, w] = typeof options.mapSize === 'number' ? [options.mapSize, options.mapSize] : options.mapSize;
    const [c1, c2] = options.convChannels ?? [64, 32];
    const hidden = options.hiddenUnits ?? 512;
    for (const [name, value] of Object.entries({ globalChannels, localChannels, convChannels1: c1, convChannels2: c2, hiddenUnits: hidden })) {
      if (!Number.isInteger(value) || value <= 0) {
        throw new Error(`DimGlobalDiscriminator: ${name} must be a positive integer, got ${String(value)}`);
      }
    }
    if (!Number.isInteger(h) || !Number.isInteger(w) || h < 5 || w < 5) {
      throw new Error(`DimGlobalDiscriminator: mapSize must be at least 5x5 (two valid 3x3 convs), got ${h}x${w}`);
    }
    this.mapHeight = h;
    this.mapWidth = w;
    this.flatUnits = (h - 4) * (w - 4) * c2;
    this.conv1 = this.addModule('conv1', new Conv2d({ inChannels: localChannels, filters: c1, kernelSize: 3 }, rng.fork('conv1')));
    this.conv2 = this.addModule('conv2', new Conv2d({ inChannels: c1, filters: c2, kernelSize: 3 }, rng.fork('conv2')));
    this.fc1 = this.addModule('fc1', new Dense({ inUnits: this.flatUnits + globalChannels, units: hidden }, rng.fork('fc1')));
    this.fc2 = this.addModule('fc2', new Dense({ inUnits: hidden, units: hidden }, rng.fork('fc2')));
    this.fc3 = this.addModule('fc3', new Dense({ inUnits: hidden, units: 1 }, rng.fork('fc3')));
  }

  /** globals Y [B, Dy], maps [B, H, W, C] -> scores [B, B] (row i = Y_i, column j = map j). */
  score(globals: tf.Tensor, maps: tf.Tensor, _options?: ApplyOptions): CriticOutput {
    const { globalChannels: Dy, localChannels: C } = this.options;
    const { B } = assertShapes({
      'DimGlobalDiscriminator globals': [globals, ['B', Dy]],
      'DimGlobalDiscriminator maps': [maps, ['B', this.mapHeight, this.mapWidth, C]],
    }) as { B: number };
    return tf.tidy(() => {
      const flat = tf.reshape(this.conv2.apply(tf.relu(this.conv1.apply(maps))), [B, this.flatUnits]) as tf.Tensor2D;
      const kernel = this.fc1.kernel as tf.Tensor2D;
      const mapPart = tf.matMul(flat, tf.slice(kernel, [0, 0], [this.flatUnits, -1]) as tf.Tensor2D);
      const globalPart = tf.matMul(globals as tf.Tensor2D, tf.slice(kernel, [this.flatUnits, 0], [Dy, -1]) as tf.Tensor2D);
      let hidden = tf.add(tf.expandDims(globalPart, 1), tf.expandDims(mapPart, 0)); // [B_y, B_map, H]
      if (this.fc1.bias) hidden = tf.add(hidden, this.fc1.bias);
      hidden = tf.relu(this.fc2.apply(tf.relu(hidden)));
      const scores = tf.reshape(this.fc3.apply(hidden), [B, B]);
      return { scores, positiveMask: diagonalMask(B) };
    });
  }

  getConfig(): Record<string, unknown> {
    return { convChannels: [64, 32], hiddenUnits: 512, ...this.options };
  }
}
