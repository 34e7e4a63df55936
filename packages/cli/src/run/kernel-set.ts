import { registerOneDnnKernels, unregisterOneDnnKernels } from '@infomax/kernels-onednn';
import type { BackendChoice } from '@infomax/core';
import { usageError } from '../errors/cli-error';

export const KERNEL_SETS = ['auto', 'onednn', 'none'] as const;
export type KernelSetName = (typeof KERNEL_SETS)[number];

const NATIVE_CAPABLE = ['wasm', 'cpu'];

/**
 * Puts the requested kernel set in place on the chosen backend and rewrites the choice's
 * description ("..., kernels: onednn 2.6.3 (2 threads)"). `auto` takes oneDNN where its addon and
 * libdnnl load and says once why not otherwise; `onednn` insists (an error names what is
 * missing); `none` keeps the portable kernels.
 */
export function applyKernelSet(requested: string | undefined, choice: BackendChoice, env: NodeJS.ProcessEnv): BackendChoice {
  const name = (requested ?? env['INFOMAX_KERNELS'] ?? 'auto') as KernelSetName;
  if (!KERNEL_SETS.includes(name)) {
    throw usageError(`unknown kernel set '${name}' (from ${requested ? '--kernels' : 'INFOMAX_KERNELS'}); kernel sets: ${KERNEL_SETS.join(', ')}`);
  }
  if (name === 'none' || !NATIVE_CAPABLE.includes(choice.backend)) {
    unregisterOneDnnKernels();
    if (name === 'onednn') {
      throw usageError(
        `--kernels onednn serves the wasm and cpu backends, and the backend is ${choice.backend}; use --backend wasm, or --kernels auto`,
      );
    }
    return choice;
  }
  const result = registerOneDnnKernels();
  if (!result.ok) {
    if (name === 'onednn') throw usageError(`--kernels onednn: the native kernels are unavailable: ${result.reason}`);
    return { ...choice, notices: [...choice.notices, `native oneDNN kernels unavailable, using the portable kernels: ${result.reason}`] };
  }
  const description = /kernels: /.test(choice.description)
    ? choice.description.replace(/kernels: .*$/, `kernels: ${result.registration.description}`)
    : `${choice.description}, kernels: ${result.registration.description}`;
  return { ...choice, description };
}
