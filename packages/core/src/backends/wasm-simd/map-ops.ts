/**
 * The row-wise passes a thread pool can split (JOB_KIND.map): each names the exported function
 * that runs it and how its arguments come from the job (pointer j moved to the chunk's first
 * row, the chunk's row count, a word of the job, or the running thread's own scratch).
 */
export type MapArgument =
  | { pointer: number }
  | { rows: true }
  | { word: number }
  | { floatWord: number }
  | { scratch: true };

export interface MapOpSpec {
  /** Export name of the function (a writer in the pool module). */
  callee: string;
  args: readonly MapArgument[];
}

const p = (pointer: number): MapArgument => ({ pointer });
const w = (word: number): MapArgument => ({ word });
const ROWS: MapArgument = { rows: true };

export const MAP_OPS = {
  /** relu(x, out, n): rows are values. */
  relu: { callee: 'relu', args: [p(0), p(1), ROWS] },
  /** add(a, b, out, n): rows are values. */
  add: { callee: 'add', args: [p(0), p(1), p(2), ROWS] },
  /** reluGrad(dy, x, out, n): rows are values. */
  reluGrad: { callee: 'reluGrad', args: [p(0), p(1), p(2), ROWS] },
  /** addRows(a, b, out, rows, channels, strideA, strideB). */
  addRows: { callee: 'addRows', args: [p(0), p(1), p(2), ROWS, w(0), w(1), w(2)] },
  /** channelAffine(x, mean, scale, shift, rows, channels, y). */
  channelAffine: { callee: 'channelAffine', args: [p(0), p(1), p(2), p(3), ROWS, w(0), p(4)] },
  /** channelInputGradient(dy, x, mean, s, k1, k0, rows, channels, dx). */
  channelInputGradient: { callee: 'channelInputGradient', args: [p(0), p(1), p(2), p(3), p(4), p(5), ROWS, w(0), p(6)] },
  /** copyRows(src, dst, rows, bytes, srcStride, dstStride, padBefore, padAfter, fill). */
  copyRows: {
    callee: 'copyRows',
    args: [p(0), p(1), ROWS, w(0), w(1), w(2), w(3), w(4), { floatWord: 5 }],
  },
  /**
   * avgPoolWindows(dst, src, n, srcH, srcW, c, dstH, dstW, rowWindows, colWindows, scratch,
   * usedW, scale): rows are images; the one-row scratch is the thread's own.
   */
  avgPoolWindows: {
    callee: 'avgPoolWindows',
    args: [p(0), p(1), ROWS, w(0), w(1), w(2), w(3), w(4), p(2), p(3), { scratch: true }, w(5), { floatWord: 6 }],
  },
  /** winogradInput(x, v, images, h, w, c, tilesH, tilesW, planeBytes, firstTile): rows are images. */
  winogradInput: { callee: 'winogradInput', args: [p(0), p(1), ROWS, w(0), w(1), w(2), w(3), w(4), w(5), w(6)] },
  /** winogradInputGrad(dv, dx, images, h, w, c, tilesH, tilesW, planeBytes, firstTile). */
  winogradInputGrad: { callee: 'winogradInputGrad', args: [p(0), p(1), ROWS, w(0), w(1), w(2), w(3), w(4), w(5), w(6)] },
  /** winogradOutput(m, y, images, tilesH, tilesW, f, planeBytes, firstTile). */
  winogradOutput: { callee: 'winogradOutput', args: [p(0), p(1), ROWS, w(0), w(1), w(2), w(3), w(4)] },
  /** winogradOutputGrad(dy, dm, images, tilesH, tilesW, f, planeBytes, firstTile). */
  winogradOutputGrad: { callee: 'winogradOutputGrad', args: [p(0), p(1), ROWS, w(0), w(1), w(2), w(3), w(4)] },
} as const satisfies Record<string, MapOpSpec>;

export type MapOp = keyof typeof MAP_OPS;
export const MAP_OP_NAMES = Object.keys(MAP_OPS) as MapOp[];
