import { Worker } from 'node:worker_threads';
import { HELPER_LOOP_SOURCE, type HelperLauncher } from '../../backends/wasm-threads/helper-launcher';

/**
 * Helper threads for infomax's wasm kernels as worker_threads. The worker's code is the helper
 * loop as text (`eval`), so it works from sources, bundles and tests alike with no file to find.
 */
export const nodeHelperLauncher: HelperLauncher = ({ module, memory, control, background, backgroundSlots, pack }) => {
  const source = `const { workerData: { module, memory, control, background, backgroundSlots, pack } } = require('node:worker_threads');\n${HELPER_LOOP_SOURCE}`;
  const worker = new Worker(source, { eval: true, workerData: { module, memory, control, background, backgroundSlots, pack } });
  // A failing chunk is reported to the waiting thread through the control block (FAILED);
  // here it is only printed, instead of crashing the process as an unhandled 'error' would.
  worker.on('error', (error) => {
    process.stderr.write(`infomax: a wasm helper thread failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  });
  return {
    unref: () => worker.unref(),
    terminate: () => void worker.terminate(),
  };
};
