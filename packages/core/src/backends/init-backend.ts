import * as tf from '@tensorflow/tfjs';
import { announceBackend } from './announce-backend';
import type { BackendChoice, BackendLog } from './backend-choice';
import { activate, activateWasmBackend } from './activate-backend';
import { registerTileGradient } from '../tensor/tile-gradient';

/** The backends that run anywhere tfjs does (browsers included), and 'auto'. */
export const PORTABLE_BACKENDS = ['auto', 'wasm', 'cpu', 'webgl'] as const;
export type PortableBackendName = (typeof PORTABLE_BACKENDS)[number];

export interface InitBackendOptions {
  /**
   * 'auto' (default): wasm, else cpu. Any other tfjs backend registered in this process (e.g.
   * 'webgpu' after importing its package) is accepted by name too.
   */
  backend?: PortableBackendName | (string & {});
  /** false silences the one-line announcement; a function receives it instead of the console. */
  log?: BackendLog;
}

/**
 * Selects and initialises a portable tfjs backend. wasm gets infomax's training kernels
 * (conv / depthwise gradients, segment sums) registered first. 'auto' falls back to cpu with a
 * notice when wasm cannot initialise; a backend asked for by name must work or this throws.
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendChoice> {
  const requested = options.backend ?? 'auto';
  assertKnownBackend(requested);
  const choice = requested === 'auto' ? await autoPortable() : await portable(requested);
  announceBackend(choice, options.log, (line) => console.info(line));
  return choice;
}

function assertKnownBackend(name: string): void {
  if ((PORTABLE_BACKENDS as readonly string[]).includes(name) || tf.findBackendFactory(name) !== null) return;
  throw new Error(
    `Unknown backend '${name}'. Valid backends: ${PORTABLE_BACKENDS.map((b) => `'${b}'`).join(', ')}` +
      ` (or any tfjs backend registered in this process).`,
  );
}

async function autoPortable(): Promise<BackendChoice> {
  try {
    return await portable('wasm');
  } catch (error) {
    const cpu = await portable('cpu');
    return { ...cpu, notices: [`wasm unavailable (${errorMessage(error)}); using cpu`] };
  }
}

/**
 * Activates one portable backend by name, throwing if it cannot. `sharedHeap`: see
 * `activateWasmBackend`.
 */
export async function portable(name: string, { sharedHeap = false }: { sharedHeap?: boolean } = {}): Promise<BackendChoice> {
  // Backend-independent: tfjs' Tile / broadcastTo gradient is one Slice + Add per tile.
  registerTileGradient();
  if (name === 'wasm') {
    const { description } = await activateWasmBackend({ sharedHeap });
    return { backend: 'wasm', source: '@tensorflow/tfjs-backend-wasm', description, notices: [] };
  }
  await activate(name);
  const description = name === 'cpu' ? 'cpu (plain JavaScript), kernels: tfjs' : `${name}, kernels: tfjs`;
  return { backend: name, source: '@tensorflow/tfjs', description, notices: [] };
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
