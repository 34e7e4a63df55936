export { learningRateAt, decayStep, type LearningRateSchedule, type LearningRateDecay } from './learning-rate-schedule';
export { Adam, type AdamOptions, type AdamState } from './adam';
export { clipByGlobalNorm, globalNorm } from './clip-by-global-norm';
export {
  trainerConfigSchema,
  optimizerSettingsSchema,
  parseTrainerConfig,
  resolveGroupSettings,
  InvalidTrainerConfigError,
  DEFAULT_LEARNING_RATE,
  type TrainerConfig,
  type ResolvedTrainerConfig,
  type OptimizerSettings,
} from './trainer-config';
export { MemoryMetricsSink, type MetricsRecord, type MetricsSink } from './metrics-sink';
export type {
  TrainerHooks,
  TrainStartEvent,
  TrainEndEvent,
  StepEvent,
  StepEndEvent,
  EpochEvent,
} from './trainer-hooks';
export { NonFiniteLossError } from './non-finite-loss-error';
export {
  BYTES_PER_ELEMENT,
  fromHostTensor,
  sizeOfShape,
  toHostTensor,
  type HostTensor,
  type HostTensorDtype,
} from './host-tensor';
export {
  checkpointName,
  optimizerTensorName,
  VARIABLE_PREFIX,
  type CheckpointInfo,
  type TrainingCheckpoint,
} from './checkpoint';
export { CheckpointError } from './checkpoint-error';
export type { CheckpointStore } from './checkpoint-store';
export { MemoryCheckpointStore } from './memory-checkpoint-store';
export { captureCheckpoint, restoreCheckpoint, type CaptureInput } from './checkpoint-state';
export { Trainer, MAIN_GROUP, type TrainerOptions, type TrainerLogger } from './trainer';
