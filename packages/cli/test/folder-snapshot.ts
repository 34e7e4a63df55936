import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Every file under `dir` with its SHA-256 and modification time (links: where they point, not
 * followed): two snapshots are equal only when nothing was written, not even the same bytes.
 */
export function snapshotFolder(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isSymbolicLink()) {
        out[relative(dir, path)] = `link to ${readlinkSync(path)}`;
        continue;
      }
      if (entry.isDirectory()) {
        walk(path);
        continue;
      }
      const hash = createHash('sha256').update(readFileSync(path)).digest('hex');
      out[relative(dir, path)] = `${hash} ${statSync(path).mtimeMs}`;
    }
  };
  walk(dir);
  return out;
}
