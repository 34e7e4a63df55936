import { F32, FunctionWriter, I32, V128, type Local } from '@infomax/core';
import { MASK_BYTES, RowLanes, type MaskDtype } from './simd-row-lanes';

/**
 * backward_<dtype>(scores, mask, weights, rowWeights, out, rows, columns, perPositive,
 * regWeight): out = (mask != 0 ? -perPositive : perPositive * rowWeights[n]) * weights, plus
 * regWeight * scores unless regWeight is 0 (so an infinite score cannot make 0 * inf = NaN):
 * `infoNceBackward`'s loop, 4 lanes at a time.
 */
export function writeBackward(dtype: MaskDtype): FunctionWriter {
  const f = new FunctionWriter(`backward_${dtype}`, [I32, I32, I32, I32, I32, I32, I32, F32, F32]);
  const [scores, mask, weights, rowWeights, out, rows, columns, perPositive, regWeight] = f.params as [
    Local, Local, Local, Local, Local, Local, Local, Local, Local,
  ];
  const maskBytes = MASK_BYTES[dtype];
  const lanes = new RowLanes(f, columns);
  const [n, rowBase, withReg, ps, pm, pw, po] = Array.from({ length: 7 }, () => f.local(I32)) as [
    Local, Local, Local, Local, Local, Local, Local,
  ];
  const [g, minusPerPositive, negativeWeight, vRegWeight] = Array.from({ length: 4 }, () => f.local(V128)) as [
    Local, Local, Local, Local,
  ];
  f.f32(0).get(perPositive).f32Sub().f32x4Splat().set(minusPerPositive);
  f.get(regWeight).f32x4Splat().set(vRegWeight);
  f.get(regWeight).f32(0).f32Ne().set(withReg);
  f.forLoop(n, rows, () => {
    f.get(n).get(columns).i32Mul().set(rowBase);
    for (const [pointer, base] of [[ps, scores], [pw, weights], [po, out]] as const) {
      f.get(base).get(rowBase).i32(2).i32Shl().i32Add().set(pointer);
    }
    f.get(mask).get(rowBase).i32(maskBytes).i32Mul().i32Add().set(pm);
    f.get(rowWeights).get(n).i32(2).i32Shl().i32Add().f32Load().get(perPositive).f32Mul().f32x4Splat().set(negativeWeight);
    lanes.row(
      (partial) => {
        f.get(minusPerPositive).get(negativeWeight);
        lanes.loadPositive(dtype, pm, partial);
        f.v128Bitselect();
        lanes.loadF32(pw, partial);
        f.f32x4Mul().set(g);
        f.get(withReg).if();
        f.get(g).get(vRegWeight);
        lanes.loadF32(ps, partial);
        f.f32x4Mul().f32x4Add().set(g);
        f.end();
        lanes.storeF32(po, g, partial);
      },
      () => f.addTo(ps, 16).addTo(pm, 4 * maskBytes).addTo(pw, 16).addTo(po, 16),
    );
  });
  return f;
}

/** countPositives(mask, n) -> i32: the mask as one row, each positive lane (-1) subtracted. */
export function writeCountPositives(dtype: MaskDtype): FunctionWriter {
  const f = new FunctionWriter(`countPositives_${dtype}`, [I32, I32], [I32]);
  const [mask, n] = f.params as [Local, Local];
  const lanes = new RowLanes(f, n);
  const p = f.local(I32);
  const counts = f.local(V128);
  f.get(mask).set(p);
  f.v128Zero().set(counts);
  lanes.row(
    (partial) => {
      f.get(counts);
      lanes.loadPositive(dtype, p, partial);
      f.i32x4Sub().set(counts);
    },
    () => f.addTo(p, 4 * MASK_BYTES[dtype]),
  );
  f.get(counts).i32x4ExtractLane(0);
  for (let lane = 1; lane < 4; lane++) f.get(counts).i32x4ExtractLane(lane).i32Add();
  return f;
}

