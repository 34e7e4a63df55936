import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@infomax/core';

/** One uniformly random flat location in [0, locations) per image, drawn in JS from `rng`. */
export function drawLocations(batch: number, locations: number, rng: Rng): number[] {
  return Array.from({ length: batch }, () => rng.int(0, locations - 1));
}

/**
 * Picks the vector at `locations[n]` of each image's map [B, L, D] -> [B, D]: a gather of rows
 * n * L + locations[n] of the [B*L, D] view. Its gradient is UnsortedSegmentSum, which infomax
 * supplies on wasm; a one-hot product would pass over the whole map twice each way.
 */
export function selectLocations(maps: tf.Tensor3D, locations: readonly number[]): tf.Tensor2D {
  const [batch, count] = maps.shape;
  if (locations.length !== batch) {
    throw new Error(`need one source location per image: got ${locations.length} for a batch of ${batch}`);
  }
  const bad = locations.find((l) => !Number.isInteger(l) || l < 0 || l >= count);
  if (bad !== undefined) {
    throw new Error(`source location ${bad} is outside the map's ${count} locations (flat row-major index 0..${count - 1})`);
  }
  return tf.tidy(() => {
    const rows = tf.tensor1d(locations.map((l, n) => n * count + l), 'int32');
    return tf.gather(tf.reshape(maps, [batch * count, maps.shape[2]]), rows) as tf.Tensor2D;
  });
}
