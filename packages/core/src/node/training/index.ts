export { FileCheckpointStore, type FileCheckpointStoreOptions } from './file-checkpoint-store';
export { nodeFileSystem, type CheckpointFileSystem } from './checkpoint-file-system';
export {
  CHECKPOINT_PAUSE_VARIABLE,
  CHECKPOINT_WRITE_POINTS,
  pauseObserverFromEnvironment,
  type CheckpointWriteObserver,
  type CheckpointWritePoint,
} from './checkpoint-write-points';
export { writeFileAtomically, syncDirectory } from './atomic-write';
export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_FORMAT_VERSION,
  checkpointManifestSchema,
  type CheckpointManifest,
} from './checkpoint-manifest';
export { JsonlMetricsFile } from './jsonl-metrics-file';
export { ProgressBarHook, type ProgressBarOptions } from './progress-bar-hook';
