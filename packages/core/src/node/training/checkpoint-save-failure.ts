/** What an operating-system error code means for a checkpoint write, and what to do about it. */
const CAUSES: Record<string, { cause: string; fix: string }> = {
  ENOSPC: { cause: 'the disk is full', fix: 'free some disk space (or move the run to a larger disk)' },
  EDQUOT: { cause: 'the disk quota is used up', fix: 'free some space within the quota (or move the run to another disk)' },
  EROFS: { cause: 'the file system is read-only', fix: 'move the run to a writable disk' },
  EACCES: { cause: 'permission denied', fix: 'make the checkpoint directory writable by this user' },
  EPERM: { cause: 'the operation is not permitted', fix: 'make the checkpoint directory writable by this user' },
  EIO: { cause: 'the disk reported an I/O error', fix: 'check the disk' },
  EMFILE: { cause: 'too many files are open', fix: 'raise the open-file limit (ulimit -n)' },
};

export interface SaveFailure {
  name: string;
  directory: string;
  error: NodeJS.ErrnoException;
  /** Newest complete checkpoint after the failure; null: none; undefined: could not be listed. */
  previous: string | null | undefined;
}

/** One message: which checkpoint failed where, why, what survived, and what to do. */
export function describeSaveFailure({ name, directory, error, previous }: SaveFailure): string {
  const known = CAUSES[error.code!];
  const cause = known ? `${known.cause} (${error.code})` : error.message;
  const survived =
    previous === undefined
      ? 'Checkpoints written before it are untouched.'
      : previous === null
        ? 'No earlier checkpoint exists.'
        : `The newest complete checkpoint, ${previous}, is intact.`;
  const fix = known ? `${known.fix[0]!.toUpperCase()}${known.fix.slice(1)}, then resume.` : 'Fix the cause above, then resume.';
  return `could not write checkpoint ${name} in ${directory}: ${cause}. ${survived} ${fix}`;
}
