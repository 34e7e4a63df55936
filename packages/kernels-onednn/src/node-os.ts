import * as nodeOs from 'node:os';

/** node:os behind one import so tests can see what the defaults are based on. */
export const os = {
  availableParallelism: (): number =>
    typeof nodeOs.availableParallelism === 'function' ? nodeOs.availableParallelism() : nodeOs.cpus().length,
};
