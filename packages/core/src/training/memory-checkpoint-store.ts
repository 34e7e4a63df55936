import { checkpointName, type CheckpointInfo, type TrainingCheckpoint } from './checkpoint';
import { CheckpointError } from './checkpoint-error';
import type { CheckpointStore } from './checkpoint-store';

function copyCheckpoint(checkpoint: TrainingCheckpoint): TrainingCheckpoint {
  return structuredClone(checkpoint);
}

/** Keeps the last `keepLast` checkpoints in memory (tests, browsers, short experiments). */
export class MemoryCheckpointStore implements CheckpointStore {
  private readonly entries = new Map<string, TrainingCheckpoint>();
  readonly keepLast: number;

  constructor({ keepLast = 3 }: { keepLast?: number } = {}) {
    if (!Number.isInteger(keepLast) || keepLast < 1) throw new Error(`keepLast must be a positive integer, got ${keepLast}`);
    this.keepLast = keepLast;
  }

  async save(checkpoint: TrainingCheckpoint): Promise<CheckpointInfo> {
    const name = checkpointName(checkpoint.step);
    // Copy so later training cannot mutate what was saved.
    this.entries.delete(name);
    this.entries.set(name, copyCheckpoint(checkpoint));
    const infos = await this.list();
    for (const old of infos.slice(0, Math.max(0, infos.length - this.keepLast))) this.entries.delete(old.name);
    return { name, step: checkpoint.step };
  }

  async list(): Promise<CheckpointInfo[]> {
    return [...this.entries].map(([name, c]) => ({ name, step: c.step })).sort((a, b) => a.step - b.step);
  }

  async load(name: string): Promise<TrainingCheckpoint> {
    const entry = this.entries.get(name);
    if (!entry) {
      const known = [...this.entries.keys()];
      throw new CheckpointError(
        `checkpoint ${name} not found; stored: ${known.length > 0 ? known.join(', ') : '(none)'}`,
        name,
      );
    }
    return copyCheckpoint(entry);
  }

  async loadLatest(): Promise<TrainingCheckpoint | null> {
    const infos = await this.list();
    const newest = infos[infos.length - 1];
    return newest ? this.load(newest.name) : null;
  }
}
