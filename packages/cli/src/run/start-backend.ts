import type { BackendChoice } from '@infomax/core';
import { initNodeBackend } from '@infomax/core/node';
import { warn, type CliIo } from '../cli-io';

/**
 * Selects the tfjs backend (`--backend`, else INFOMAX_BACKEND, else auto) without core's own
 * announcement: the command prints the choice in its start-up line. Notices (a preferred
 * backend that failed) are printed here.
 */
export async function startBackend(requested: string | undefined, io: CliIo): Promise<BackendChoice> {
  const choice = await initNodeBackend({ backend: requested, log: false, env: io.env });
  for (const notice of choice.notices) warn(io, `infomax: notice: ${notice}`);
  return choice;
}
