import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import type { CheckpointFileSystem } from './checkpoint-file-system';

/** Writes all of `bytes` (a single write() call may write fewer). */
export async function writeFully(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.byteLength) {
    const { bytesWritten } = await handle.write(bytes, written, bytes.byteLength - written);
    if (bytesWritten <= 0) throw new Error(`write made no progress after ${written} of ${bytes.byteLength} bytes`);
    written += bytesWritten;
  }
}

/** fsync of a directory makes a rename inside it durable; not every platform supports it. */
export async function syncDirectory(fs: CheckpointFileSystem, dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Windows cannot open or fsync a directory; the rename is still atomic there.
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF') throw error;
  } finally {
    await handle?.close();
  }
}

/**
 * Writes `target` so that it is either the old file or the complete new one, never a mix:
 * write a temporary file in the same directory, fsync it, rename it over the target, fsync the
 * directory. On failure the temporary file is removed and the error rethrown. `beforeRename`
 * runs when the temporary file is complete and durable (fault-injection tests stop there).
 */
export async function writeFileAtomically(
  fs: CheckpointFileSystem,
  target: string,
  write: (handle: FileHandle) => Promise<void>,
  beforeRename?: () => void | Promise<void>,
): Promise<void> {
  const dir = path.dirname(target);
  const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  const handle = await fs.open(temp, 'w');
  try {
    try {
      await write(handle);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await beforeRename?.();
    await fs.rename(temp, target);
  } catch (error) {
    await fs.unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(fs, dir);
}
