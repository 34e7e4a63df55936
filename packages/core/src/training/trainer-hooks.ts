import type { CheckpointInfo } from './checkpoint';
import type { MetricsRecord } from './metrics-sink';

export interface TrainStartEvent {
  /** Completed updates when this run starts (non-zero after a resume). */
  step: number;
  totalSteps: number;
  stepsPerEpoch: number;
  batchSize: number;
}

export interface StepEvent {
  /** 0-based index of the update. */
  step: number;
  epoch: number;
  position: number;
  learningRate: number;
}

export interface StepEndEvent extends StepEvent {
  /** The main loss of this step (read anyway for the non-finite guard). */
  loss: number;
  /** True when the non-finite policy `skip` discarded this step's update. */
  skipped: boolean;
}

export interface EpochEvent {
  epoch: number;
  /** Completed updates at that moment. */
  step: number;
}

export interface TrainEndEvent {
  step: number;
  /** `completed`: reached totalSteps; `paused`: reached the run's `untilStep`; `stopped`: requestStop(). */
  reason: 'completed' | 'paused' | 'stopped';
}

/** Observers of the training loop; each may be async (the loop awaits it). */
export interface TrainerHooks {
  onTrainStart?(event: TrainStartEvent): void | Promise<void>;
  onStepStart?(event: StepEvent): void | Promise<void>;
  onStepEnd?(event: StepEndEvent): void | Promise<void>;
  onEpochStart?(event: EpochEvent): void | Promise<void>;
  onEpochEnd?(event: EpochEvent): void | Promise<void>;
  onLog?(record: MetricsRecord): void | Promise<void>;
  onCheckpoint?(info: CheckpointInfo): void | Promise<void>;
  onTrainEnd?(event: TrainEndEvent): void | Promise<void>;
}
