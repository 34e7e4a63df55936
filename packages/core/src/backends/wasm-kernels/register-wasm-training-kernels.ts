/**
 * Registers, for the wasm backend, the kernels that training convolutions needs and tfjs 4.22
 * lacks (tensorflow/tfjs#8474). Idempotent.
 */
export function registerWasmTrainingKernels(): void {
  // Implemented in the backends work: Conv2DBackpropFilter, DepthwiseConv2dNativeBackpropFilter,
  // DepthwiseConv2dNativeBackpropInput, UnsortedSegmentSum.
}
