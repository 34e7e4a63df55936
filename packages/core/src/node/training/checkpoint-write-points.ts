/**
 * The moments inside `FileCheckpointStore.save` after which a crash leaves a different state on
 * disk, in order:
 *
 * - `data-partial`: about half of the tensors are in the temporary data file;
 * - `data-committed`: the data file has its final name, no manifest refers to it yet;
 * - `manifest-written`: the new manifest is complete in its temporary file, not renamed;
 * - `manifest-committed`: the manifest is renamed into place (the checkpoint exists), old
 *   checkpoints are not pruned yet;
 * - `pruning`: old manifests are deleted, their data files not yet.
 */
export const CHECKPOINT_WRITE_POINTS = [
  'data-partial',
  'data-committed',
  'manifest-written',
  'manifest-committed',
  'pruning',
] as const;

export type CheckpointWritePoint = (typeof CHECKPOINT_WRITE_POINTS)[number];

/**
 * Called at each write point with the checkpoint's name; `save` waits for it. Tests use it to
 * copy the directory as a crash would leave it, or to hold the write open while a parent
 * process kills this one.
 */
export type CheckpointWriteObserver = (point: CheckpointWritePoint, checkpoint: string) => void | Promise<void>;

/** Environment variable that makes a store pause at one write point (fault-injection tests). */
export const CHECKPOINT_PAUSE_VARIABLE = 'INFOMAX_TEST_CHECKPOINT_PAUSE';

const DEFAULT_PAUSE_MS = 30_000;

/**
 * The observer `INFOMAX_TEST_CHECKPOINT_PAUSE=<checkpoint or *>:<point>[:<ms>]` asks for, e.g.
 * `step-000006:data-committed`: at that point it prints
 * `infomax-test: checkpoint step-000006 paused at data-committed` on stderr and waits (30 s by
 * default) so a test can SIGKILL the process mid-write. Undefined when the variable is unset.
 */
export function pauseObserverFromEnvironment(env: NodeJS.ProcessEnv = process.env): CheckpointWriteObserver | undefined {
  const spec = env[CHECKPOINT_PAUSE_VARIABLE];
  if (spec === undefined || spec === '') return undefined;
  const [checkpoint, point, ms, ...rest] = spec.split(':');
  const pauseMs = ms === undefined ? DEFAULT_PAUSE_MS : Number(ms);
  const valid =
    rest.length === 0 &&
    checkpoint !== undefined &&
    (checkpoint === '*' || /^step-\d+$/.test(checkpoint)) &&
    (CHECKPOINT_WRITE_POINTS as readonly string[]).includes(point ?? '') &&
    Number.isInteger(pauseMs) &&
    pauseMs >= 0;
  if (!valid) {
    // A typo here would silently disable the fault a test means to inject.
    throw new Error(
      `${CHECKPOINT_PAUSE_VARIABLE}='${spec}' is not <checkpoint or *>:<point>[:<ms>] with point one of ` +
        `${CHECKPOINT_WRITE_POINTS.join(', ')}; unset it outside fault-injection tests`,
    );
  }
  return async (at, name) => {
    if (at !== point || (checkpoint !== '*' && checkpoint !== name)) return;
    process.stderr.write(`infomax-test: checkpoint ${name} paused at ${at}\n`);
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  };
}
