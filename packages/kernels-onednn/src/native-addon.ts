import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The addon's surface (native/addon.cc). Geometry arrays are documented in oneDnnGeometry.ts. */
export interface OneDnnAddon {
  conv2d(
    geometry: Int32Array,
    activation: number,
    alpha: number,
    x: Float32Array,
    filter: Float32Array,
    bias: Float32Array | null,
    y: Float32Array,
  ): void;
  conv2dBackpropInput(geometry: Int32Array, dy: Float32Array, filter: Float32Array, dx: Float32Array): void;
  conv2dBackpropFilter(geometry: Int32Array, x: Float32Array, dy: Float32Array, dfilter: Float32Array): void;
  matMul(
    geometry: Int32Array,
    activation: number,
    alpha: number,
    a: Float32Array,
    b: Float32Array,
    bias: Float32Array | null,
    c: Float32Array,
  ): void;
  /** Threads for primitives of at least `parallelMinFlops` (default 2e7); smaller ones run on one. */
  setThreads(threads: number, parallelMinFlops?: number): void;
  info(): { version: string; hash: string; threads: number; parallelMinFlops: number };
  primitives(): { kind: string; key: string; implementation: string }[];
  clearCache(): void;
}

export type AddonLoad =
  | { ok: true; addon: OneDnnAddon; path: string }
  | { ok: false; reason: string };

const ADDON_FILE = 'infomax_onednn.node';

/** The package root, from the built dist/ or from src/ (tests run the sources). */
function packageRoot(): string {
  const here = typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));
  return dirname(here);
}

/**
 * Where the addon may be, in the order tried: an explicit path (INFOMAX_ONEDNN_ADDON), the
 * workspace's own build (native/build/Release, made by `pnpm build` where libdnnl-dev and a compiler
 * exist), then the prebuilt binary shipped in the package for this platform.
 */
export function addonCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const explicit = env['INFOMAX_ONEDNN_ADDON'];
  if (explicit) return [explicit];
  const root = packageRoot();
  return [
    join(root, 'native', 'build', 'Release', ADDON_FILE),
    join(root, 'prebuilds', `${process.platform}-${process.arch}`, ADDON_FILE),
  ];
}

let cached: AddonLoad | undefined;

/**
 * Loads the addon once. Never throws: a missing binary or a missing libdnnl.so.2 comes back as
 * a reason in plain words, so callers can fall back to the portable kernels with one notice.
 */
export function loadOneDnnAddon(): AddonLoad {
  if (cached) return cached;
  // libgomp reads these once, when oneDNN pulls it in: passive waiting keeps idle OpenMP threads
  // from spinning on a core another process needs (measured: 12x slower steps with spinning).
  process.env['OMP_WAIT_POLICY'] ??= 'PASSIVE';
  const candidates = addonCandidates();
  const present = candidates.filter((path) => existsSync(path));
  if (present.length === 0) {
    cached = {
      ok: false,
      reason: `no oneDNN addon for ${process.platform}-${process.arch} (looked in ${candidates.join(', ')}); build it with libdnnl-dev and a C++ compiler installed: pnpm --filter @infomax/kernels-onednn build`,
    };
    return cached;
  }
  const requireNative = createRequire(join(packageRoot(), 'package.json'));
  const failures: string[] = [];
  for (const path of present) {
    try {
      cached = { ok: true, addon: requireNative(path) as OneDnnAddon, path };
      return cached;
    } catch (error) {
      failures.push(explainLoadFailure(path, error));
    }
  }
  cached = { ok: false, reason: failures.join('; ') };
  return cached;
}

/** A load error in plain words; a missing libdnnl.so names the package to install. */
export function explainLoadFailure(path: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/libdnnl\.so/.test(message)) {
    return `${path} needs the oneDNN library, which is not installed (Debian/Ubuntu: apt-get install libdnnl2)`;
  }
  return `${path} could not be loaded: ${message.split('\n')[0]}`;
}

/** Forgets the loaded addon (tests that try other candidates). */
export function resetOneDnnAddonForTests(): void {
  cached = undefined;
}
