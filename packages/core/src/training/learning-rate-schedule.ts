/** Multiply the learning rate by `factor` from one step on: at `atStep`, or at a fraction of training. */
export interface LearningRateDecay {
  atStep?: number;
  /** In [0, 1]; resolved against `totalSteps` (AMDIM: x0.2 "late in training"). */
  atFraction?: number;
  factor: number;
}

export interface LearningRateSchedule {
  /** The learning rate after warm-up and before any decay. */
  base: number;
  /** Linear warm-up: update s (0-based) uses base * (s + 1) / warmupSteps while s < warmupSteps. */
  warmupSteps?: number;
  decays?: readonly LearningRateDecay[];
  /** Needed only when a decay is given by `atFraction`. */
  totalSteps?: number;
}

/** The step from which a decay applies. */
export function decayStep(decay: LearningRateDecay, totalSteps: number | undefined): number {
  if (decay.atStep !== undefined && decay.atFraction !== undefined) {
    throw new Error('LearningRateDecay: give atStep or atFraction, not both');
  }
  if (decay.atStep !== undefined) return decay.atStep;
  if (decay.atFraction === undefined) throw new Error('LearningRateDecay: give atStep or atFraction');
  if (totalSteps === undefined) {
    throw new Error(`LearningRateDecay at fraction ${decay.atFraction} needs the schedule's totalSteps`);
  }
  return Math.floor(decay.atFraction * totalSteps);
}

/**
 * The learning rate of update `step` (0-based: the first update is step 0). Warm-up starts at
 * base / warmupSteps rather than 0 so the first update is not wasted; decays compound.
 */
export function learningRateAt(step: number, schedule: LearningRateSchedule): number {
  if (!Number.isInteger(step) || step < 0) {
    throw new Error(`learningRateAt: step must be a non-negative integer, got ${step}`);
  }
  let lr = schedule.base;
  const warmup = schedule.warmupSteps ?? 0;
  if (warmup > 0 && step < warmup) lr *= (step + 1) / warmup;
  for (const decay of schedule.decays ?? []) {
    if (step >= decayStep(decay, schedule.totalSteps)) lr *= decay.factor;
  }
  return lr;
}
