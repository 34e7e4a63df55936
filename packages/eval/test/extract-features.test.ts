import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeakedTensors, TEST_BACKENDS, useBackend } from '@infomax/core';
import { EvalInputError, extractFeatures, rawPixelFeaturizer } from '../src';
import { RecordingSource } from './fixtures';

/** 10 examples of shape [2, 2, 1]; example i holds i, i+0.25, i+0.5, i+0.75; label i mod 3. */
function countingSource(asynchronous = false, withLabels = true): RecordingSource {
  const values = Float32Array.from({ length: 40 }, (_, v) => Math.floor(v / 4) + (v % 4) * 0.25);
  const labels = withLabels ? Int32Array.from({ length: 10 }, (_, i) => i % 3) : undefined;
  return new RecordingSource('counting', values, labels, [2, 2, 1], 3, asynchronous);
}

// Keeps a spatial shape ([B, 2, 2]) so extractFeatures has to flatten it.
const doubled = (x: tf.Tensor) => tf.mul(tf.reshape(x, [x.shape[0]!, 2, 2]), 2);

for (const { name } of TEST_BACKENDS) {
  describe(`extractFeatures (${name})`, () => {
    beforeAll(() => useBackend(name));

    it('streams the source in batches, in order, with its labels', async () => {
      const source = countingSource();
      let featurizerCalls = 0;
      const progress: number[] = [];
      const out = await extractFeatures(
        (x) => {
          featurizerCalls++;
          return doubled(x);
        },
        source,
        { batchSize: 4, onBatch: (done) => progress.push(done) },
      );
      expect(source.calls).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
      expect(featurizerCalls).toBe(3);
      expect(progress).toEqual([4, 8, 10]);
      expect(out.dim).toBe(4);
      expect(out.features).toBeInstanceOf(Float32Array);
      expect(out.labels).toBeInstanceOf(Int32Array);
      expect([...out.labels]).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2, 0]);
      expect([...out.features.subarray(0, 8)]).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5]);
      expect([...out.features.subarray(36)]).toEqual([18, 18.5, 19, 19.5]);
    });

    it('follows the given indices and their order, from an async source', async () => {
      const source = countingSource(true);
      const out = await extractFeatures(rawPixelFeaturizer(), source, { batchSize: 2, indices: Int32Array.from([9, 3, 5]) });
      expect(source.calls).toEqual([[9, 3], [5]]);
      expect([...out.labels]).toEqual([0, 0, 2]);
      expect([...out.features]).toEqual([9, 9.25, 9.5, 9.75, 3, 3.25, 3.5, 3.75, 5, 5.25, 5.5, 5.75]);
    });

    it('leaks no tensors (inputs, labels and features are all released)', async () => {
      const source = countingSource();
      await expectNoLeakedTensors(() => extractFeatures(doubled, source, { batchSize: 3 }), { label: 'extractFeatures' });
      expect(tf.memory().numTensors).toBeLessThan(50);
    });
  });
}

describe('extractFeatures errors', () => {
  beforeAll(() => useBackend('cpu'));

  it('names the source, the rows and the problem', async () => {
    const before = tf.memory().numTensors;
    const source = countingSource();
    await expect(extractFeatures(rawPixelFeaturizer(), countingSource(false, false), { batchSize: 4 })).rejects.toThrow(
      /extractFeatures\('counting', rows 0\.\.3\): the source returned a batch without labels/,
    );
    await expect(extractFeatures((x) => tf.slice(x, 0, 1), source, { batchSize: 4 })).rejects.toThrow(
      /the featurizer returned \[1, 2, 2, 1\] for a batch of 4/,
    );
    let call = 0;
    const changingWidth = (x: tf.Tensor) => tf.reshape(call++ === 0 ? x : tf.concat([x, x], 3), [x.shape[0]!, -1]);
    await expect(extractFeatures(changingWidth, source, { batchSize: 4 })).rejects.toThrow(
      /rows 4\.\.7\): features have 8 values per example, earlier batches had 4/,
    );
    await expect(extractFeatures(rawPixelFeaturizer(), source, { batchSize: 4, indices: Int32Array.from([0, 10]) })).rejects.toThrow(
      /index 10 at position 1 is outside 'counting' \(size 10\)/,
    );
    await expect(extractFeatures(rawPixelFeaturizer(), source, { batchSize: 4, indices: new Int32Array(0) })).rejects.toThrow(
      EvalInputError,
    );
    await expect(extractFeatures(rawPixelFeaturizer(), source, { batchSize: 0 })).rejects.toThrow(/batchSize must be a positive integer/);
    // Failed batches still release their tensors.
    expect(tf.memory().numTensors).toBe(before);
  });
});
