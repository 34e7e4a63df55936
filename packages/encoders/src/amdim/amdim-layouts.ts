/** Input sizes the AMDIM encoder has layer lists for. */
export type AmdimInputSize = 32 | 64 | 128;
export const AMDIM_INPUT_SIZES: readonly AmdimInputSize[] = [32, 64, 128];

/** Channel width of a layer: a multiple of ndf, or n_rkhs. */
export type AmdimWidth = number | 'rkhs';

export type AmdimLayerSpec =
  | { kind: 'stem'; kernelSize: number; stride: number; width: AmdimWidth; reflectPadding?: number; tap?: AmdimTap }
  | { kind: 'unit'; kernelSize: number; stride: number; width: AmdimWidth; tap?: AmdimTap }
  | { kind: 'block'; kernelSize: number; stride: number; width: AmdimWidth; tap?: AmdimTap };

/** Local feature maps taken from inside the trunk; `f1` is always the batch-normed output. */
export type AmdimTap = 'f7' | 'f5';

const TAIL_WIDE: AmdimLayerSpec[] = [
  { kind: 'block', kernelSize: 4, stride: 2, width: 2 },
  { kind: 'block', kernelSize: 4, stride: 2, width: 4 },
  { kind: 'block', kernelSize: 2, stride: 2, width: 8, tap: 'f7' },
  { kind: 'block', kernelSize: 3, stride: 1, width: 8, tap: 'f5' },
  { kind: 'block', kernelSize: 3, stride: 1, width: 8 },
  { kind: 'unit', kernelSize: 3, stride: 1, width: 'rkhs' },
];

/**
 * The layer lists of the AMDIM reference code (Bachman et al. 2019), spatial sizes in comments.
 * 32: no padding anywhere. 64 (STL-10): no 1x1 unit after the stem, one more k4 s2 block, and
 * the trunk widens to 8 ndf. 128 (ImageNet): a 5x5 stride-2 stem with reflect padding 2 brings
 * 128 to 64, a 3x3 stem conv follows, then the 64 list.
 */
export const AMDIM_LAYOUTS: Record<AmdimInputSize, readonly AmdimLayerSpec[]> = {
  32: [
    { kind: 'stem', kernelSize: 3, stride: 1, width: 1 }, // 30
    { kind: 'unit', kernelSize: 1, stride: 1, width: 1 }, // 30
    { kind: 'block', kernelSize: 4, stride: 2, width: 2 }, // 14
    { kind: 'block', kernelSize: 2, stride: 2, width: 4, tap: 'f7' }, // 7
    { kind: 'block', kernelSize: 3, stride: 1, width: 4, tap: 'f5' }, // 5
    { kind: 'block', kernelSize: 3, stride: 1, width: 4 }, // 3
    { kind: 'unit', kernelSize: 3, stride: 1, width: 'rkhs' }, // 1
  ],
  64: [
    { kind: 'stem', kernelSize: 3, stride: 1, width: 1 }, // 62
    ...TAIL_WIDE, // 30, 14, 7, 5, 3, 1
  ],
  128: [
    { kind: 'stem', kernelSize: 5, stride: 2, width: 1, reflectPadding: 2 }, // 64
    { kind: 'stem', kernelSize: 3, stride: 1, width: 1 }, // 62
    ...TAIL_WIDE, // 30, 14, 7, 5, 3, 1
  ],
};
