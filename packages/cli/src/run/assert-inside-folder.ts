import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, dirname } from 'node:path';
import { CliError } from '../errors/cli-error';
import { ExitCode } from '../errors/exit-codes';

/** True when `path` is `root` or below it (both absolute and already resolved). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith('../') && !rel.startsWith('..\\') && !isAbsolute(rel));
}

/**
 * Refuses to write through `path` when it is a symbolic link leading outside `root` (or to
 * nothing yet: writing would create the target wherever it points). A run folder may come from
 * elsewhere (a colleague's run, an archive): a `report.html` linked to ~/.bashrc must not be
 * overwritten by `infomax report`.
 */
export function assertWritesStayInside(root: string, path: string): void {
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    return; // absent: it will be created inside the folder
  }
  if (!stat.isSymbolicLink()) return;
  let target: string;
  try {
    target = realpathSync(path);
  } catch {
    // A dangling link: say where it points.
    target = resolve(dirname(path), readlinkSync(path));
    throw escape(path, target, root);
  }
  if (!isInside(realpathSync(root), target)) throw escape(path, target, root);
}

function escape(path: string, target: string, root: string): CliError {
  return new CliError(
    `refusing to write ${path}: it is a symbolic link to ${target}, outside the run folder ${root}`,
    ExitCode.Failure,
    'a run folder holds its own files; delete the link (and check where the folder came from)',
  );
}
