import { Rng } from '@infomax/core';
import { assertAllocation, DEFAULT_MAX_DATASET_BYTES } from '../allocation-limit';
import { InvalidDataError } from '../errors';
import { SequenceDataSource } from '../sources/sequence-data-source';
import { balancedLabels } from './synthetic-shapes';

export interface SyntheticSequencesOptions {
  count: number;
  /** Time steps T of each [T, 1] sequence. */
  length?: number;
  numClasses?: number;
  /** Sinusoids summed per sequence; the class is which frequencies. */
  frequenciesPerClass?: number;
  /** Lowest and highest frequency of the bank, in cycles per time step (below 0.5). */
  frequencyRange?: readonly [number, number];
  /** Standard deviation of the additive Gaussian noise. */
  noise?: number;
  seed?: number;
  rng?: Rng;
  name?: string;
  /** Refuse sets larger than this many bytes; default DEFAULT_MAX_DATASET_BYTES. */
  maxBytes?: number;
}

/**
 * The frequency set of each class: distinct `perClass`-subsets of a geometric bank of
 * frequencies, fixed by the class count (not the seed) so every seed poses the same task.
 */
export function syntheticSequenceFrequencies(
  numClasses: number,
  perClass = 2,
  range: readonly [number, number] = [0.004, 0.1],
): number[][] {
  let bank = perClass;
  while (combinations(bank, perClass) < numClasses) bank++;
  const [low, high] = range;
  const frequencies = Array.from({ length: bank }, (_, j) => low * (high / low) ** (bank === 1 ? 0 : j / (bank - 1)));
  const sets: number[][] = [];
  const pick: number[] = Array.from({ length: perClass }, (_, i) => i);
  while (sets.length < numClasses) {
    sets.push(pick.map((j) => frequencies[j]!));
    // Next combination in lexicographic order.
    let i = perClass - 1;
    while (i >= 0 && pick[i] === bank - perClass + i) i--;
    if (i < 0) break;
    pick[i]!++;
    for (let k = i + 1; k < perClass; k++) pick[k] = pick[k - 1]! + 1;
  }
  return sets;
}

/**
 * Labelled sequences for CPC-style objectives: each is a sum of sinusoids whose frequency set
 * is the class, with random amplitudes, phases and slight detuning, plus noise. The slow
 * structure is predictable across time steps while the noise is not: what CPC should capture.
 */
export function createSyntheticSequences(options: SyntheticSequencesOptions): SequenceDataSource {
  const {
    count,
    length = 2048,
    numClasses = 8,
    frequenciesPerClass = 2,
    frequencyRange = [0.004, 0.1],
    noise = 0.1,
    name = 'synthetic-sequences',
  } = options;
  if (!Number.isInteger(count) || count < 1) throw new InvalidDataError(`${name}: count must be a positive integer, got ${count}`);
  if (!Number.isInteger(length) || length < 2) throw new InvalidDataError(`${name}: length must be an integer >= 2, got ${length}`);
  // Labels are stored as bytes.
  if (!Number.isInteger(numClasses) || numClasses < 2 || numClasses > 256) {
    throw new InvalidDataError(`${name}: numClasses must be an integer in 2..256, got ${numClasses}`);
  }
  if (!Number.isInteger(frequenciesPerClass) || frequenciesPerClass < 1) {
    throw new InvalidDataError(`${name}: frequenciesPerClass must be a positive integer`);
  }
  const [low, high] = frequencyRange;
  if (!(low > 0 && high > low && high < 0.5)) {
    throw new InvalidDataError(`${name}: frequencyRange must satisfy 0 < low < high < 0.5 (Nyquist), got [${low}, ${high}]`);
  }
  if (!(noise >= 0)) throw new InvalidDataError(`${name}: noise must be >= 0, got ${noise}`);

  const sets = syntheticSequenceFrequencies(numClasses, frequenciesPerClass, frequencyRange);
  assertAllocation(
    `${name}: ${count} sequences of ${length} float32 samples`,
    count * length * 4,
    options.maxBytes ?? DEFAULT_MAX_DATASET_BYTES,
    'lower the count (data.count / data.limit) or the length (data.sequenceLength)',
  );
  const rng = options.rng ?? new Rng(options.seed ?? 0);
  const labels = balancedLabels(count, numClasses, rng);
  const values = new Float32Array(count * length);
  const scale = 1 / frequenciesPerClass;
  for (let n = 0; n < count; n++) {
    const row = values.subarray(n * length, (n + 1) * length);
    for (const f of sets[labels[n]!]!) {
      const amplitude = rng.uniform(0.6, 1) * scale;
      const omega = 2 * Math.PI * f * rng.uniform(0.98, 1.02);
      const phase = rng.uniform(0, 2 * Math.PI);
      for (let t = 0; t < length; t++) row[t]! += amplitude * Math.sin(omega * t + phase);
    }
    if (noise > 0) for (let t = 0; t < length; t++) row[t]! += rng.normal(0, noise);
  }
  return new SequenceDataSource({ name, sequences: values, shape: [count, length, 1], labels, numClasses });
}

function combinations(n: number, k: number): number {
  let result = 1;
  for (let i = 0; i < k; i++) result = (result * (n - i)) / (i + 1);
  return Math.round(result);
}
