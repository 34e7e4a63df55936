export { expectNoLeakedTensors } from './no-leaks';
export { TEST_BACKENDS, useBackend } from './backends';
