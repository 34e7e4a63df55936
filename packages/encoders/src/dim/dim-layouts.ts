/** Input sizes the DIM conv encoder has layouts for. */
export type DimInputSize = 28 | 32;
export const DIM_INPUT_SIZES: readonly DimInputSize[] = [28, 32];

export interface DimConvSpec {
  kernelSize: number;
  stride: number;
  padding: number;
}

/**
 * The three convs of DIM's "basic" encoder. 32: k4 s2 p1 three times, 32 -> 16 -> 8 -> 4, the
 * local map is the 8x8 output of the second conv. 28 (Fashion-MNIST): the first two convs are
 * unchanged (28 -> 14 -> 7, a 7x7 local map), and the third becomes k3 s2 p1 (7 -> 4) so the
 * flattened map is 4x4 again and the FC layer is the same size as for 32x32 (a k3 s1 conv would
 * leave 7x7 and triple the FC's 4.2 M weights for no gain on 28x28 images).
 */
export const DIM_LAYOUTS: Record<DimInputSize, readonly [DimConvSpec, DimConvSpec, DimConvSpec]> = {
  32: [
    { kernelSize: 4, stride: 2, padding: 1 },
    { kernelSize: 4, stride: 2, padding: 1 },
    { kernelSize: 4, stride: 2, padding: 1 },
  ],
  28: [
    { kernelSize: 4, stride: 2, padding: 1 },
    { kernelSize: 4, stride: 2, padding: 1 },
    { kernelSize: 3, stride: 2, padding: 1 },
  ],
};
