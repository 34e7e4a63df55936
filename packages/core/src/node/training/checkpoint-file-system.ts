import * as fsp from 'node:fs/promises';

/**
 * The file operations checkpoints use; `node:fs/promises` by default. Injectable so tests can
 * make a write fail midway and check that the previous checkpoint survives.
 */
export type CheckpointFileSystem = Pick<typeof fsp, 'open' | 'rename' | 'unlink' | 'readdir' | 'stat' | 'readFile' | 'mkdir'>;

export const nodeFileSystem: CheckpointFileSystem = fsp;
