import type { SubPixelAxis } from './conv-geometry';

/**
 * Rearranges an HWIO conv filter [KH, KW, Cin, Cout] into the filter of the sub-pixel input
 * gradient: [TH, TW, Cout, sH * sW * Cin], where output channel (r, q, ci) of tap (u, v) holds
 * f[source_h(u, r), source_w(v, q), ci, co] (zero where the source is outside the filter).
 * A filter-sized shuffle: done on the host, it costs well under a millisecond. `into` (e.g. a
 * view of a wasm tensor) receives the values instead of a new array.
 */
export function subPixelConvFilter(
  f: Float32Array | Int32Array,
  filterShape: readonly number[],
  h: SubPixelAxis,
  w: SubPixelAxis,
  strideH: number,
  strideW: number,
  into?: Float32Array,
): { shape: number[]; values: Float32Array } {
  const [, kw = 0, cin = 0, cout = 0] = filterShape;
  const size = h.taps * w.taps * cout * strideH * strideW * cin;
  const values = into ? into.subarray(0, size).fill(0) : new Float32Array(size);
  let o = 0;
  for (let u = 0; u < h.taps; u++) {
    for (let v = 0; v < w.taps; v++) {
      for (let co = 0; co < cout; co++) {
        for (let r = 0; r < strideH; r++) {
          const a = h.source[u * strideH + r] ?? -1;
          for (let q = 0; q < strideW; q++) {
            const b = w.source[v * strideW + q] ?? -1;
            if (a < 0 || b < 0) {
              o += cin;
              continue;
            }
            let src = (a * kw + b) * cin * cout + co;
            for (let ci = 0; ci < cin; ci++, src += cout) values[o++] = f[src] ?? 0;
          }
        }
      }
    }
  }
  return { shape: [h.taps, w.taps, cout, strideH * strideW * cin], values };
}

/**
 * The same rearrangement for a depthwise filter [KH, KW, C, M]: a depthwise filter
 * [TH, TW, C * M, sH * sW] whose multiplier index is the phase (r, q).
 */
export function subPixelDepthwiseFilter(
  f: Float32Array | Int32Array,
  filterShape: readonly number[],
  h: SubPixelAxis,
  w: SubPixelAxis,
  strideH: number,
  strideW: number,
): { shape: number[]; values: Float32Array } {
  const [, kw = 0, c = 0, m = 0] = filterShape;
  const channels = c * m;
  const phases = strideH * strideW;
  const values = new Float32Array(h.taps * w.taps * channels * phases);
  for (let u = 0; u < h.taps; u++) {
    for (let v = 0; v < w.taps; v++) {
      const tapBase = (u * w.taps + v) * channels * phases;
      for (let r = 0; r < strideH; r++) {
        const a = h.source[u * strideH + r] ?? -1;
        for (let q = 0; q < strideW; q++) {
          const b = w.source[v * strideW + q] ?? -1;
          if (a < 0 || b < 0) continue;
          const phase = r * strideW + q;
          const src = (a * kw + b) * channels;
          for (let ch = 0; ch < channels; ch++) values[tapBase + ch * phases + phase] = f[src + ch] ?? 0;
        }
      }
    }
  }
  return { shape: [h.taps, w.taps, channels, phases], values };
}
