import type * as tf from '@tensorflow/tfjs';
import { ShapeError } from '@infomax/core';

export interface ImageInputExpectation {
  /** Who is complaining, e.g. `AmdimEncoder (inputSize 32)`. */
  owner: string;
  /** Expected height and width (square images), or null to accept any size. */
  size: number | null;
  channels: number;
  /** What to do when the spatial size is wrong: the most useful fix for this encoder. */
  sizeFix?: string;
}

function describe(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? 'B' : String(d))).join(', ')}]`;
}

/**
 * Checks an NHWC image batch (or, without the batch, an example shape) and says what is wrong
 * and how to fix it: wrong sizes are the commonest mistake (28x28 Fashion-MNIST into a 32x32
 * encoder), and a bare "axis 1 is 28" does not tell the user to pad.
 */
export function assertImageShape(shape: readonly number[], expectation: ImageInputExpectation, withBatch: boolean): void {
  const { owner, size, channels } = expectation;
  const expected = withBatch ? [null, size ?? 'H', size ?? 'W', channels] : [size ?? 'H', size ?? 'W', channels];
  const expectedText = `[${expected.map((d) => (d === null ? 'B' : String(d))).join(', ')}]`;
  const rank = withBatch ? 4 : 3;
  const got = describe(shape);
  if (shape.length !== rank) {
    throw new ShapeError(
      `${owner} expects ${withBatch ? 'an NHWC image batch' : 'an HWC image shape'} ${expectedText}, got rank ${shape.length} ${got}.` +
        (shape.length === rank - 1 ? ' Add the channel axis (e.g. x.expandDims(-1) for grayscale).' : ''),
    );
  }
  const offset = withBatch ? 1 : 0;
  const h = shape[offset]!;
  const w = shape[offset + 1]!;
  const c = shape[offset + 2]!;
  const problems: string[] = [];
  if (size !== null && (h !== size || w !== size)) {
    problems.push(`its images are ${h}x${w}, not ${size}x${size}${expectation.sizeFix ? ` — ${expectation.sizeFix}` : ''}`);
  }
  if (c !== channels) {
    problems.push(
      `it has ${c} channel${c === 1 ? '' : 's'}, not ${channels} — build the encoder with inChannels: ${c}` +
        (c === 1 ? ' (grayscale)' : '') +
        ` or convert the images to ${channels} channel${channels === 1 ? '' : 's'}`,
    );
  }
  if (problems.length > 0) {
    throw new ShapeError(`${owner} expects input ${expectedText}, got ${got}: ${problems.join('; ')}.`);
  }
}

export function assertImageInput(x: tf.Tensor, expectation: ImageInputExpectation): void {
  assertImageShape(x.shape, expectation, true);
}
