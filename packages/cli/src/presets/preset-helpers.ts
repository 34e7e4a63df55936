import { usageError } from '../errors/cli-error';
import type { OpenedData } from '../run/open-data';
import type { TrainerLength } from './preset';

/** [height, width, channels] of image data; a usage error naming the preset for sequences. */
export function imageShape(data: OpenedData, preset: string): [number, number, number] {
  const shape = data.source.exampleShape;
  if (shape.length !== 3) {
    throw usageError(
      `the ${preset} preset trains on images, but ${data.source.name} holds sequences [${shape.join(', ')}]`,
      `pick an image data set (--data fashion-mnist, --data synthetic), or --preset cpc for sequences`,
    );
  }
  return [shape[0]!, shape[1]!, shape[2]!];
}

/** Updates the run will make: `steps`, or `epochs` x full batches per epoch. */
export function totalSteps(trainer: Required<Pick<TrainerLength, 'batchSize'>> & TrainerLength, dataSize: number): number {
  if (trainer.steps !== undefined) return trainer.steps;
  const perEpoch = Math.max(1, Math.floor(dataSize / trainer.batchSize));
  return (trainer.epochs ?? 1) * perEpoch;
}

/**
 * A warm-up of at most a tenth of training: a 500-step warm-up on a 300-step run would never
 * reach the learning rate the schedule is written for.
 */
export function scaledWarmup(nominal: number, total: number, notes: string[]): number {
  const cap = Math.max(1, Math.round(total / 10));
  if (nominal <= cap) return nominal;
  notes.push(`warm-up shortened from ${nominal} to ${cap} steps (a tenth of the ${total} training steps)`);
  return cap;
}

/** The training length a preset uses unless the config file or flags give one. */
export function lengthOrDefault(trainer: TrainerLength, defaultSteps: number): { steps?: number; epochs?: number } {
  if (trainer.steps !== undefined || trainer.epochs !== undefined) return {};
  return { steps: defaultSteps };
}

/**
 * Per-channel normalisation to about [-1, 1] for data without published statistics (the
 * AMDIM recipe's CIFAR statistics have three channels and would not fit 1-channel data).
 */
export function centredNormalization(channels: number): { mean: number[]; std: number[] } {
  return { mean: Array.from({ length: channels }, () => 0.5), std: Array.from({ length: channels }, () => 0.5) };
}

export function isCifar(data: OpenedData): boolean {
  return !data.fallbackReason && (data.spec.name === 'cifar-10' || data.spec.name === 'cifar-100');
}

/** An online probe when the data has labels, else none. */
export function probeFor(data: OpenedData, hiddenUnits = 0): false | { numClasses: number; hiddenUnits: number } {
  const classes = data.source.numClasses;
  return classes !== undefined && classes >= 2 && data.source.hasLabels ? { numClasses: classes, hiddenUnits } : false;
}
