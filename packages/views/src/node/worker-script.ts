import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Where the view worker's code is and the Node options its threads need. */
export interface WorkerScript {
  filename: string;
  execArgv: string[];
}

/** This module's own file: the bundle (dist/node/index.js or .cjs) or the source under tsx / vitest. */
function thisFile(): string {
  // The CJS bundle has __filename; ESM (built or from sources) has import.meta.url.
  if (typeof __filename === 'string' && __filename.length > 0) return __filename;
  return fileURLToPath(import.meta.url);
}

/**
 * The worker script beside this module, in the same form: `view-worker.js` / `.cjs` next to the
 * built bundle, `view-worker.ts` next to the sources. A thread started from a `.ts` file needs
 * tsx's loader, which vitest (unlike tsx itself) does not pass on to worker threads.
 */
/** A file of the tsx package (tsx passes its loader as `--import <...>/tsx/dist/loader.mjs`). */
const TSX_FILE = /[\\/]tsx[\\/]dist[\\/]/;

export function viewWorkerScript(from = thisFile()): WorkerScript {
  const extension = extname(from);
  const filename = join(dirname(from), `view-worker${extension}`);
  const execArgv = [...process.execArgv];
  if (extension === '.ts' && !execArgv.some((arg) => TSX_FILE.test(arg))) {
    execArgv.push('--import', pathToFileURL(tsxLoader(from)).href);
  }
  return { filename, execArgv };
}

function tsxLoader(from: string): string {
  try {
    return createRequire(from).resolve('tsx');
  } catch {
    throw new Error(
      `view workers started from the TypeScript sources (${from}) need tsx to load them, and tsx cannot be found; ` +
        'install tsx in the workspace, or use the built package (dist) whose workers are plain JavaScript',
    );
  }
}
