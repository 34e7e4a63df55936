import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { F32, FunctionWriter, I32, setSimdKernelsEnabled, useBackend, V128, wasmKernelModule, type Local } from '@infomax/core';

// The kernel-authoring API: a plugin package writes a wasm SIMD function in TypeScript and runs
// it on tensors' data in the wasm backend's heap.

/** scale(x, out, n, factor): out = x * factor, 4 lanes at a time (n a multiple of 4). */
function writeScale(): FunctionWriter {
  const f = new FunctionWriter('scale', [I32, I32, I32, F32]);
  const [x, out, n, factor] = f.params as [Local, Local, Local, Local];
  const i = f.local(I32);
  const v = f.local(V128);
  f.get(factor).f32x4Splat().set(v);
  f.forLoop(
    i,
    n,
    () => {
      f.get(out).get(i).i32(2).i32Shl().i32Add();
      f.get(x).get(i).i32(2).i32Shl().i32Add().v128Load().get(v).f32x4Mul();
      f.v128Store();
    },
    4,
  );
  return f;
}

type ScaleModule = { scale(x: number, out: number, n: number, factor: number): void };

describe('wasmKernelModule', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });
  afterEach(() => setSimdKernelsEnabled(true));

  it('runs a function written with the assembler on tensor data in the heap', async () => {
    await useBackend('wasm');
    const module = wasmKernelModule<ScaleModule>(tf.backend(), 'test/scale@1', () => [writeScale()]);
    expect(module).not.toBeNull();
    const backend = tf.backend() as unknown as {
      makeOutput(shape: number[], dtype: string): tf.TensorInfo;
      dataIdMap: { get(id: object): { memoryOffset: number } };
    };
    const x = tf.tensor1d([1, -2, 3.5, 4, 0.25, 6, 7, -8]);
    const out = backend.makeOutput([8], 'float32');
    const offset = (t: { dataId: object }) => backend.dataIdMap.get(t.dataId).memoryOffset;
    module!.scale(offset(x), offset(out), 8, 3);
    const y = tf.engine().makeTensorFromTensorInfo(out);
    expect(Array.from(y.dataSync())).toEqual([3, -6, 10.5, 12, 0.75, 18, 21, -24]);
    tf.dispose([x, y]);
  });

  it('compiles once per backend and key', async () => {
    await useBackend('wasm');
    let writes = 0;
    const writers = () => {
      writes++;
      return [writeScale()];
    };
    const first = wasmKernelModule<ScaleModule>(tf.backend(), 'test/scale@count', writers);
    const second = wasmKernelModule<ScaleModule>(tf.backend(), 'test/scale@count', writers);
    expect(second).toBe(first);
    expect(writes).toBe(1);
  });

  it('gives null when the SIMD kernels are switched off, and the module again when back on', async () => {
    await useBackend('wasm');
    const before = wasmKernelModule<ScaleModule>(tf.backend(), 'test/scale@1', () => [writeScale()]);
    setSimdKernelsEnabled(false);
    expect(wasmKernelModule<ScaleModule>(tf.backend(), 'test/scale@1', () => [writeScale()])).toBeNull();
    setSimdKernelsEnabled(true);
    expect(wasmKernelModule<ScaleModule>(tf.backend(), 'test/scale@1', () => [writeScale()])).toBe(before);
  });

  it('gives null on a backend without a wasm heap, and for a module that does not validate', async () => {
    await useBackend('cpu');
    expect(wasmKernelModule<ScaleModule>(tf.backend(), 'test/scale@1', () => [writeScale()])).toBeNull();
    await useBackend('wasm');
    const broken = () => {
      const f = new FunctionWriter('broken', [I32]);
      f.get(f.params[0]!).f32x4Splat(); // an i32 where an f32 is expected, and a value left over
      return [f];
    };
    expect(wasmKernelModule(tf.backend(), 'test/broken@1', broken)).toBeNull();
  });
});
