import 'reflect-metadata';

// INFOMAX_TEST_KERNELS=onednn runs the whole suite with the native oneDNN kernels on the wasm
// backend (scripts/run-tests.mjs does a second pass so). cpu stays untouched: it is the
// numerical reference the wasm suites compare against.
if (process.env['INFOMAX_TEST_KERNELS'] === 'onednn') {
  await import('@tensorflow/tfjs-backend-wasm');
  const { registerOneDnnKernels } = await import('@infomax/kernels-onednn');
  const registered = registerOneDnnKernels({ backends: ['wasm'] });
  if (!registered.ok) throw new Error(`INFOMAX_TEST_KERNELS=onednn, but the addon is unavailable: ${registered.reason}`);
  // Loading the wasm package registers a backend that outranks cpu but needs async start-up;
  // keep cpu the default backend, as it is when the wasm package is not loaded up front.
  const tf = await import('@tensorflow/tfjs');
  await tf.setBackend('cpu');
}
