import * as tf from '@tensorflow/tfjs';
import { announceBackend } from '../../backends/announce-backend';
import type { BackendChoice, BackendLog } from '../../backends/backend-choice';
import { errorMessage, portable } from '../../backends/init-backend';
import { activate, describeWasmBackend } from '../../backends/activate-backend';
import { registerHelperLauncher } from '../../backends/wasm-threads/helper-launcher';
import { setWasmGemmThreads } from '../../backends/wasm-threads/wasm-gemm-threads';
import { setWasmBackgroundGradients } from '../../backends/wasm-kernels/background-gradients';
import { setWasmWinogradConvolutions } from '../../backends/wasm-kernels/winograd-conv';
import { enableRelaxedSimd } from './relaxed-simd';
import { backgroundGradientsWanted, relaxedSimdWanted, requestedWasmThreads, winogradWanted } from './wasm-threads-env';
import { nodeHelperLauncher } from './worker-helper-launcher';
import { registerTileGradient } from '../../tensor/tile-gradient';
import { importModule, isModuleNotFound, type ModuleLoader } from './module-loader';
import { requestedNodeBackend, type NodeBackendName } from './node-backend-names';

export interface InitNodeBackendOptions {
  /** Overrides INFOMAX_BACKEND; default 'auto' (tfjs-node-gpu, tfjs-node, wasm, cpu). */
  backend?: NodeBackendName | (string & {});
  /** false silences the one-line announcement on stderr; a function receives it instead. */
  log?: BackendLog;
  /** Where INFOMAX_BACKEND is read; default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** How optional packages are loaded; default a dynamic import. Injected by tests. */
  loadModule?: ModuleLoader;
  /**
   * On wasm: threads for infomax's gemm and convolutions (`setWasmGemmThreads`). Overrides
   * INFOMAX_WASM_THREADS; default 'auto' (every core, up to 4).
   */
  wasmThreads?: number | 'auto';
}

/** What a candidate needs besides its name. */
interface CandidateContext {
  load: ModuleLoader;
  env: Readonly<Record<string, string | undefined>>;
  wasmThreads: number;
}

const NATIVE_PACKAGES = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
} as const;

/** A candidate was not installed: skip quietly under 'auto'. */
class NotInstalled extends Error {}

/**
 * Selects and initialises the fastest tfjs backend this Node process can run. 'auto' tries
 * '@tensorflow/tfjs-node-gpu', then '@tensorflow/tfjs-node' (both optional peers, loaded only if
 * installed), then wasm (with infomax's training kernels), then cpu; a candidate that is
 * installed but fails leaves a notice. A backend asked for by name must work or this throws.
 * The choice is printed once per process on stderr.
 */
export async function initNodeBackend(options: InitNodeBackendOptions = {}): Promise<BackendChoice> {
  const env = options.env ?? process.env;
  const requested = requestedNodeBackend(options.backend, env);
  const context = { load: options.loadModule ?? importModule, env, wasmThreads: requestedWasmThreads(options.wasmThreads, env) };
  const choice = requested === 'auto' ? await autoNode(context) : await strictNode(requested, context);
  announceBackend(choice, options.log, (line) => process.stderr.write(`${line}\n`));
  return choice;
}

async function strictNode(name: Exclude<NodeBackendName, 'auto'>, context: CandidateContext): Promise<BackendChoice> {
  try {
    return await candidate(name, context);
  } catch (error) {
    if (error instanceof NotInstalled) {
      throw new Error(`Backend '${name}' needs ${error.message}`);
    }
    throw new Error(`Backend '${name}' could not be initialised: ${errorMessage(error)}`);
  }
}

async function autoNode(context: CandidateContext): Promise<BackendChoice> {
  const notices: string[] = [];
  const order = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
  for (const name of order) {
    try {
      const choice = await candidate(name, context);
      return { ...choice, notices: [...notices, ...choice.notices] };
    } catch (error) {
      if (name === 'cpu') throw error;
      if (!(error instanceof NotInstalled)) notices.push(`${name} skipped: ${errorMessage(error)}`);
    }
  }
  throw new Error('unreachable: cpu is always last');
}

async function candidate(name: Exclude<NodeBackendName, 'auto'>, context: CandidateContext): Promise<BackendChoice> {
  if (name === 'wasm') return wasmBackend(context);
  if (name === 'cpu') return portable(name);
  return nativeBackend(NATIVE_PACKAGES[name], context.load);
}

/**
 * wasm with relaxed SIMD switched on first where Node has it behind a flag (unless
 * INFOMAX_WASM_RELAXED_SIMD=0), and infomax's gemm on `wasmThreads` threads (worker_threads),
 * filter gradients in the background unless INFOMAX_WASM_BACKGROUND_GRADIENTS=0, 4x4 stride-2
 * convolutions in the Winograd form unless INFOMAX_WASM_WINOGRAD=0.
 */
async function wasmBackend(context: CandidateContext): Promise<BackendChoice> {
  if (relaxedSimdWanted(context.env)) enableRelaxedSimd();
  registerHelperLauncher(nodeHelperLauncher);
  const choice = await portable('wasm', { sharedHeap: context.wasmThreads > 1 });
  setWasmGemmThreads(context.wasmThreads);
  setWasmBackgroundGradients(backgroundGradientsWanted(context.env));
  setWasmWinogradConvolutions(winogradWanted(context.env));
  return { ...choice, description: await describeWasmBackend() };
}

/** Loads a tfjs-node package, which registers the 'tensorflow' backend, and activates it. */
async function nativeBackend(pkg: string, load: ModuleLoader): Promise<BackendChoice> {
  try {
    await load(pkg);
  } catch (error) {
    if (isModuleNotFound(error, pkg)) {
      throw new NotInstalled(`${pkg}, which is not installed (pnpm add ${pkg}; its install downloads libtensorflow)`);
    }
    throw new Error(`${pkg} is installed but failed to load: ${errorMessage(error)}`);
  }
  if (tf.findBackendFactory('tensorflow') === null) {
    throw new Error(
      `${pkg} loaded but its 'tensorflow' backend is not visible to this @tensorflow/tfjs ` +
        `(${tf.version.tfjs}); install versions that match so both share one tfjs-core`,
    );
  }
  // Gradients are backend-independent: tfjs-node gets the one-reduction-per-axis Tile gradient too.
  registerTileGradient();
  await activate('tensorflow');
  const notices: string[] = [];
  let device = 'CPU';
  if (pkg.endsWith('-gpu')) {
    const usingGpu = (tf.backend() as { isUsingGpuDevice?: boolean }).isUsingGpuDevice === true;
    device = usingGpu ? 'GPU' : 'CPU, no GPU visible';
    if (!usingGpu) notices.push(`${pkg} is installed but sees no GPU: libtensorflow runs on the CPU`);
  }
  return {
    backend: 'tensorflow',
    source: pkg,
    description: `tensorflow (${pkg}, ${device}), kernels: native`,
    notices,
  };
}
