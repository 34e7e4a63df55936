export { expectNoLeakedTensors } from './no-leaks';
