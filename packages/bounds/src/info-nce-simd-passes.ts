import type * as tf from '@tensorflow/tfjs';
import type { InfoNceHostShape, InfoNceHostUpstream, InfoNceHostValues } from './info-nce-host-math';
import type { InfoNceSimdModule } from './info-nce-simd-kernels';
import { STATS } from './info-nce-simd-layout';
import { MASK_DTYPES, type MaskDtype } from './simd-row-lanes';
import type { WasmHeap } from './wasm-heap';

/**
 * The fused InfoNCE kernels on the wasm heap: the SIMD functions do the per-score work in
 * place (no copies of the scores out of the heap, none of the results back in); the host takes
 * the per-row logs and the totals in float64. The same maths as `infoNceForward` /
 * `infoNceBackward` (info-nce-host-math.ts), in float32 per score with float64 sums. The host
 * touches the heap only per row: its Math.exp and Math.log1p (~20 ns each, measured) were the
 * bulk of the time when it also took the positives.
 */

/** How often each pass ran, so tests can tell this path from the JS one. */
export const simdPassRuns = { forward: 0, backward: 0 };

/** Whether these passes take a kernel with these inputs (else the JS passes do). */
export function simdPassesAccept(scores: tf.TensorInfo, mask: tf.TensorInfo): boolean {
  return scores.dtype === 'float32' && (MASK_DTYPES as readonly string[]).includes(mask.dtype);
}

/** The forward kernel's outputs: [loss, estimate, nce, regularizer, weights, rowWeights]. */
export function simdInfoNceForward(
  heap: WasmHeap,
  simd: InfoNceSimdModule,
  scores: tf.TensorInfo,
  mask: tf.TensorInfo,
  shape: InfoNceHostShape,
): tf.TensorInfo[] {
  const { rows, columns, clip } = shape;
  const size = rows * columns;
  const weights = heap.output([rows, columns]);
  const rowWeights = heap.output([rows]);
  // Per row its record; per positive (at most every entry) its flat index and t.
  const values = heap.withScratch(rows * STATS.BYTES + size * 8, (stats) => {
    const positives = stats + rows * STATS.BYTES;
    const positiveT = positives + size * 4;
    const clipped = clip > 0;
    const rowsPass = clipped ? simd.forwardRowsTanh : simd.forwardRows;
    rowsPass(mask.dtype as MaskDtype)(heap.offsetOf(scores), heap.offsetOf(mask), weights.offset, stats, positives, positiveT, rows, columns, clipped ? clip : 0);
    const records = new RowRecords(heap.buffer, stats, rows);
    const totals = records.writeLogSums(columns);
    simd.forwardPositives(stats, positives, positiveT, weights.offset, rowWeights.offset, rows, clipped ? clip : 0);
    return finalValues(shape, totals, records.softplusTotal());
  });
  simdPassRuns.forward++;
  // Allocated last: a new tensor may grow the heap, and views of it made before would go stale.
  const scalars = [values.loss, values.estimate, values.nce, values.regularizer].map((v) => heap.outputOf([], Float32Array.of(v)));
  return [...scalars, weights.info, rowWeights.info];
}

interface RowTotals {
  positives: number;
  capacity: number;
  squares: number;
}

/** The rows' records in the forward pass's scratch (see STATS), as float64, float32 and int32 views. */
class RowRecords {
  private readonly wide: Float64Array;
  private readonly narrow: Float32Array;
  private readonly counts: Int32Array;

  constructor(
    buffer: ArrayBufferLike,
    stats: number,
    private readonly rows: number,
  ) {
    const words = (rows * STATS.BYTES) / 4;
    this.wide = new Float64Array(buffer, stats, words / 2);
    this.narrow = new Float32Array(buffer, stats, words);
    this.counts = new Int32Array(buffer, stats, words);
  }

  /** Per row log(sum) into LOG_SUM (in float64, then rounded); the totals the values need. */
  writeLogSums(columns: number): RowTotals {
    const { wide, narrow, counts } = this;
    const totals = { positives: 0, capacity: 0, squares: 0 };
    for (let n = 0; n < this.rows; n++) {
      const word = (n * STATS.BYTES) / 4;
      const pair = word / 2;
      const rowPositives = counts[word + STATS.POSITIVES / 4]!;
      const negatives = columns - rowPositives;
      const sum = wide[pair + STATS.SUM / 8]! + wide[pair + STATS.SUM / 8 + 1]!;
      // A row without negatives: lse = -Infinity, so a zero loss and gradient (see infoNceForward).
      narrow[word + STATS.LOG_SUM / 4] = negatives > 0 ? Math.log(sum) : Number.NEGATIVE_INFINITY;
      totals.positives += rowPositives;
      totals.capacity += Math.log(1 + negatives);
      totals.squares += wide[pair + STATS.SQUARES / 8]! + wide[pair + STATS.SQUARES / 8 + 1]!;
    }
    return totals;
  }

  /** The sum over all positives of softplus(lse - t), once the positives pass has run. */
  softplusTotal(): number {
    let total = 0;
    for (let n = 0; n < this.rows; n++) {
      const pair = (n * STATS.BYTES) / 8;
      total += this.wide[pair + STATS.SUM / 8]! + this.wide[pair + STATS.SUM / 8 + 1]!;
    }
    return total;
  }
}

/** The four results as `infoNceForward` forms them. */
function finalValues(shape: InfoNceHostShape, totals: RowTotals, softplusTotal: number): InfoNceHostValues {
  const { rows, columns, l2 } = shape;
  const nce = softplusTotal / totals.positives;
  const regularizer = l2 > 0 ? (l2 * totals.squares) / (rows * columns) : 0;
  return { loss: nce + regularizer, estimate: totals.capacity / rows - nce, nce, regularizer };
}

/** The backward kernel's output, d(upstream . outputs)/dscores; see `infoNceBackward`. */
export function simdInfoNceBackward(
  heap: WasmHeap,
  simd: InfoNceSimdModule,
  inputs: { scores: tf.TensorInfo; mask: tf.TensorInfo; weights: tf.TensorInfo; rowWeights: tf.TensorInfo },
  upstream: InfoNceHostUpstream,
  shape: InfoNceHostShape,
): tf.TensorInfo {
  const { rows, columns, l2 } = shape;
  const size = rows * columns;
  const dtype = inputs.mask.dtype as MaskDtype;
  const out = heap.output([rows, columns]);
  const mask = heap.offsetOf(inputs.mask);
  const positives = simd.countPositives(dtype)(mask, size);
  const perPositive = (upstream.loss + upstream.nce - upstream.estimate) / positives;
  const regWeight = l2 > 0 ? ((upstream.loss + upstream.regularizer) * 2 * l2) / size : 0;
  simd.backward(dtype)(
    heap.offsetOf(inputs.scores),
    mask,
    heap.offsetOf(inputs.weights),
    heap.offsetOf(inputs.rowWeights),
    out.offset,
    rows,
    columns,
    perPositive,
    regWeight,
  );
  simdPassRuns.backward++;
  return out.info;
}
