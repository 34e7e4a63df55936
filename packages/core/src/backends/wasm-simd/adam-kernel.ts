import { F32, FunctionWriter, I32, V128, type Local } from './wasm-assembler';

/**
 * adam(w, m, v, g, outW, outM, outV, n, beta1, oneMinusBeta1, beta2, oneMinusBeta2, correction1,
 * correction2, epsilon, learningRate, l2, decay): one Adam update of n float32 values in one
 * pass (byte pointers; the outputs may not alias the inputs):
 *   g' = l2 != 0 ? g + w * l2 : g
 *   m' = m * beta1 + g' * oneMinusBeta1,  v' = v * beta2 + (g' * g') * oneMinusBeta2
 *   w' = w - ((m' / correction1) / (sqrt(v' / correction2) + epsilon)) * learningRate
 *   w' = decay != 0 ? w' - w * decay : w'
 * Each step is the same single-precision operation, in the same order, as `Adam`'s tfjs ops, so
 * the results are the same bits; it replaces ~14 elementwise kernels (and their scalar tensors)
 * per variable.
 */
export function writeAdam(): FunctionWriter {
  const f = new FunctionWriter('adam', [I32, I32, I32, I32, I32, I32, I32, I32, F32, F32, F32, F32, F32, F32, F32, F32, F32, F32]);
  const [w, m, v, g, outW, outM, outV, n] = f.params as Local[] as [Local, Local, Local, Local, Local, Local, Local, Local];
  const scalars = f.params.slice(8) as Local[];
  const [beta1, oneMinusBeta1, beta2, oneMinusBeta2, correction1, correction2, epsilon, learningRate, l2, decay] = scalars as [
    Local, Local, Local, Local, Local, Local, Local, Local, Local, Local,
  ];
  const splats = scalars.map(() => f.local(V128));
  const i = f.local(I32);
  const offset = f.local(I32);
  const [vw, vg, vm, vv] = [f.local(V128), f.local(V128), f.local(V128), f.local(V128)];
  const [sw, sg, sm, sv] = [f.local(F32), f.local(F32), f.local(F32), f.local(F32)];
  scalars.forEach((s, k) => f.get(s).f32x4Splat().set(splats[k]!));
  const splat = (s: Local) => splats[scalars.indexOf(s)]!;

  /** The update on 4 lanes (vector) or 1 (scalar); `lanes` picks the instruction set. */
  const update = (vector: boolean) => {
    const [W, G, M, V] = vector ? [vw, vg, vm, vv] : [sw, sg, sm, sv];
    const c = (s: Local) => (vector ? splat(s) : s);
    const load = (base: Local, into: Local) => (vector ? f.get(base).get(offset).i32Add().v128Load().set(into) : f.get(base).get(offset).i32Add().f32Load().set(into));
    const store = (base: Local, from: Local) => (vector ? f.get(base).get(offset).i32Add().get(from).v128Store() : f.get(base).get(offset).i32Add().get(from).f32Store());
    const mul = () => (vector ? f.f32x4Mul() : f.f32Mul());
    const add = () => (vector ? f.f32x4Add() : f.f32Add());
    const sub = () => (vector ? f.f32x4Sub() : f.f32Sub());
    const div = () => (vector ? f.f32x4Div() : f.f32Div());
    const sqrt = () => (vector ? f.f32x4Sqrt() : f.f32Sqrt());
    load(w, W);
    load(g, G);
    load(m, M);
    load(v, V);
    f.get(l2).f32(0).f32Ne().if();
    f.get(G).get(W).get(c(l2));
    mul();
    add();
    f.set(G);
    f.end();
    f.get(M).get(c(beta1));
    mul();
    f.get(G).get(c(oneMinusBeta1));
    mul();
    add();
    f.set(M);
    f.get(V).get(c(beta2));
    mul();
    f.get(G).get(G);
    mul();
    f.get(c(oneMinusBeta2));
    mul();
    add();
    f.set(V);
    store(outM, M);
    store(outV, V);
    // w - ((m / c1) / (sqrt(v / c2) + eps)) * lr
    f.get(W).get(M).get(c(correction1));
    div();
    f.get(V).get(c(correction2));
    div();
    sqrt();
    f.get(c(epsilon));
    add();
    div();
    f.get(c(learningRate));
    mul();
    sub();
    f.set(G);
    f.get(decay).f32(0).f32Ne().if();
    f.get(G).get(W).get(c(decay));
    mul();
    sub();
    f.set(G);
    f.end();
    store(outW, G);
  };

  f.i32(0).set(i);
  f.block().loop();
  f.get(n).get(i).i32Sub().i32(4).i32LtS().brIf(1);
  f.get(i).i32(2).i32Shl().set(offset);
  update(true);
  f.addTo(i, 4).br(0).end().end();
  f.block().loop();
  f.get(i).get(n).i32GeS().brIf(1);
  f.get(i).i32(2).i32Shl().set(offset);
  update(false);
  f.addTo(i, 1).br(0).end().end();
  return f;
}
