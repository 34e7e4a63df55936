/** tfjs fused activations the addon runs as oneDNN post-ops (codes match native/activation.h). */
const CODES: Record<string, number> = {
  linear: 0,
  relu: 1,
  relu6: 2,
  elu: 3,
  leakyrelu: 4,
  sigmoid: 5,
};

/** The addon's code for a tfjs activation, or undefined (prelu, anything new) to fall back. */
export function activationCode(activation: string | undefined): number | undefined {
  return CODES[activation ?? 'linear'];
}
