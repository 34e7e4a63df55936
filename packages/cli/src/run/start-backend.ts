import type { BackendChoice } from '@infomax/core';
import { initNodeBackend } from '@infomax/core/node';
import { warn, type CliIo } from '../cli-io';
import { applyKernelSet } from './kernel-set';

/**
 * Selects the tfjs backend (`--backend`, else INFOMAX_BACKEND, else auto) and the kernel set
 * (`--kernels`, else INFOMAX_KERNELS, else auto) without core's own announcement: the command
 * prints the choice in its start-up line. Notices (a preferred backend or kernel set that
 * failed) are printed here.
 */
export async function startBackend(requested: string | undefined, io: CliIo, kernels?: string): Promise<BackendChoice> {
  const choice = applyKernelSet(kernels, await initNodeBackend({ backend: requested, log: false, env: io.env }), io.env);
  for (const notice of choice.notices) warn(io, `infomax: notice: ${notice}`);
  return choice;
}
