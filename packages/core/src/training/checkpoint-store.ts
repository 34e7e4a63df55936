import type { CheckpointInfo, TrainingCheckpoint } from './checkpoint';

/**
 * Where checkpoints live. Implementations: `MemoryCheckpointStore` (here, browser-safe) and
 * `FileCheckpointStore` (`@infomax/core/node`).
 */
export interface CheckpointStore {
  /** Writes a checkpoint (atomically where the medium allows) and prunes old ones. */
  save(checkpoint: TrainingCheckpoint): Promise<CheckpointInfo>;
  /** Stored checkpoints, oldest first. */
  list(): Promise<CheckpointInfo[]>;
  /** Loads one; throws a `CheckpointError` if it is missing, damaged or unreadable. */
  load(name: string): Promise<TrainingCheckpoint>;
  /** The newest readable checkpoint (skipping damaged ones with a warning), or null if none. */
  loadLatest(): Promise<TrainingCheckpoint | null>;
}
