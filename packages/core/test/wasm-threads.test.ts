import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeakedTensors, Rng, setWasmGemmThreads, useBackend, wasmGemmThreads, WasmThreadsError } from '@infomax/core';
import { autoWasmThreads, enableRelaxedSimd, nodeHelperLauncher, relaxedSimdWanted, requestedWasmThreads } from '@infomax/core/node';
import { planGemm } from '../src/backends/wasm-threads/gemm-plan';
import { HELPER_SPIN_MS, registerHelperLauncher } from '../src/backends/wasm-threads/helper-launcher';
import { withSharedMemory } from '../src/backends/wasm-threads/shared-heap';
import { BACKGROUND_SLOTS, ThreadedKernels } from '../src/backends/wasm-threads/threaded-kernels';
import { expectClose, on, random, type HostTensor } from './wasm-test-utils';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Waits until the pool's helpers have started (they start in the background). */
async function helpersUp(pool: ThreadedKernels, count: number): Promise<void> {
  for (let i = 0; i < 200 && pool.readyHelpers() < count; i++) await new Promise((r) => setTimeout(r, 10));
  expect(pool.readyHelpers()).toBe(count);
}

/** C = A B in float64 on the host; A [m, k] read through (sam, sak) element strides. */
function reference(a: Float32Array, sam: number, sak: number, b: Float32Array, m: number, n: number, k: number): Float32Array {
  const c = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += (a[i * sam + p * sak] ?? 0) * (b[p * n + j] ?? 0);
      c[i * n + j] = sum;
    }
  }
  return c;
}

describe('planGemm', () => {
  it('cuts rows when B is small next to A (activations x weights)', () => {
    expect(planGemm(1568, 256, 256, 2)).toEqual({ chunkRows: 196, chunkCols: 256, chunkDepth: 256, chunksM: 8, chunksN: 1, chunksK: 1 });
  });

  it('cuts columns, in multiples of 8, when there are few rows', () => {
    expect(planGemm(32, 1568, 256, 2)).toEqual({ chunkRows: 32, chunkCols: 200, chunkDepth: 256, chunksM: 1, chunksN: 8, chunksK: 1 });
  });

  it('cuts depth, in whole depth blocks, when both operands are long (weight gradients)', () => {
    expect(planGemm(256, 256, 1568, 2)).toEqual({ chunkRows: 256, chunkCols: 128, chunkDepth: 768, chunksM: 1, chunksN: 2, chunksK: 3 });
    expect(planGemm(27, 32, 28800, 2)).toEqual({ chunkRows: 28, chunkCols: 32, chunkDepth: 3840, chunksM: 1, chunksN: 1, chunksK: 8 });
  });

  it('keeps one chunk for a product too small to cut', () => {
    expect(planGemm(3, 5, 7, 2)).toEqual({ chunkRows: 4, chunkCols: 8, chunkDepth: 256, chunksM: 1, chunksN: 1, chunksK: 1 });
  });
});

describe('withSharedMemory', () => {
  // (module (memory 1 4) (export "memory" (memory 0)))
  const definesMemory = Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x05, 0x04, 0x01, 0x01, 0x01, 0x04,
    0x07, 0x0a, 0x01, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00,
  ]);

  it("makes a module's own memory shared, keeping its limits", () => {
    const memoryOf = (bytes: Uint8Array) => new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>)).exports.memory as WebAssembly.Memory;
    expect(memoryOf(definesMemory).buffer instanceof SharedArrayBuffer).toBe(false);
    const memory = memoryOf(withSharedMemory(definesMemory)!);
    expect(memory.buffer instanceof SharedArrayBuffer).toBe(true);
    expect(memory.buffer.byteLength).toBe(65536);
    expect(definesMemory[11]).toBe(0x01);
  });

  it('leaves alone modules that import their memory or have no maximum', () => {
    const noMaximum = Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x05, 0x03, 0x01, 0x00, 0x01]);
    expect(withSharedMemory(noMaximum)).toBeNull();
    expect(withSharedMemory(withSharedMemory(definesMemory)!)).toBeNull();
    expect(withSharedMemory(Uint8Array.from([1, 2, 3]))).toBeNull();
  });
});

describe('ThreadedKernels', () => {
  let pool: ThreadedKernels;

  beforeAll(async () => {
    pool = ThreadedKernels.create(3, nodeHelperLauncher);
    await helpersUp(pool, 2);
  });

  afterAll(() => pool.dispose());

  const shapes: { m: number; n: number; k: number; transposed: boolean }[] = [
    { m: 157, n: 83, k: 61, transposed: false },
    { m: 301, n: 9, k: 300, transposed: false },
    { m: 29, n: 33, k: 4099, transposed: true },
    { m: 5, n: 1, k: 2051, transposed: true },
    { m: 66, n: 200, k: 1, transposed: false },
    { m: 203, n: 517, k: 96, transposed: false },
    { m: 150, n: 170, k: 1100, transposed: true },
  ];
  for (const { m, n, k, transposed } of shapes) {
    it(`matches a float64 product for [${m}, ${k}]${transposed ? '^T' : ''} x [${k}, ${n}], plan ${JSON.stringify(planGemm(m, n, k, 3))}`, () => {
      const rng = new Rng(m * 7 + n);
      const a = rng.normalArray(m * k);
      const b = rng.normalArray(k * n);
      const [sam, sak] = transposed ? [1, m] : [k, 1];
      pool.begin();
      const pa = pool.alloc(a.length * 4);
      const pb = pool.alloc(b.length * 4);
      const pc = pool.alloc(m * n * 4);
      const f32 = new Float32Array(pool.memory.buffer);
      f32.set(a, pa / 4);
      f32.set(b, pb / 4);
      pool.gemm({ a: pa, sam: sam * 4, sak: sak * 4, b: pb, sbk: n * 4, c: pc, scm: n * 4 }, m, n, k);
      const c = new Float32Array(pool.memory.buffer, pc, m * n).slice();
      expectClose([reference(a, sam, sak, b, m, n, k)], [c], 1e-5);
      // accumulate: C += A B
      pool.gemm({ a: pa, sam: sam * 4, sak: sak * 4, b: pb, sbk: n * 4, c: pc, scm: n * 4 }, m, n, k, true);
      const twice = new Float32Array(pool.memory.buffer, pc, m * n).slice();
      expectClose([c.map((v) => 2 * v)], [twice], 1e-5);
    });
  }

  describe('map jobs (row-wise passes)', () => {
    /** Copies `arrays` into the pool's memory; returns their byte offsets and the memory as floats. */
    function place(...arrays: Float32Array[]): { at: number[]; f32: () => Float32Array } {
      pool.begin();
      const at = arrays.map((a) => pool.alloc(Math.max(4, a.length * 4)));
      arrays.forEach((a, i) => new Float32Array(pool.memory.buffer).set(a, at[i]! / 4));
      return { at, f32: () => new Float32Array(pool.memory.buffer) };
    }
    const bits = (x: Float32Array) => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));
    const special = Float32Array.from([Number.NaN, -0, 0, -1, 1, Infinity, -Infinity, 1e-40, -1e-40, 2.5]);

    it('add: every value, with chunks of 4-value multiples and a tail', () => {
      const n = 1003;
      const rng = new Rng(11);
      const a = Float32Array.from(rng.normalArray(n));
      const b = Float32Array.from(rng.normalArray(n));
      a.set(special);
      b.set(special.slice().reverse());
      const { at, f32 } = place(a, b, new Float32Array(n));
      const before = pool.chunkCounts().all;
      pool.map('add', n, at, [4, 4, 4], [], 4);
      expect(pool.chunkCounts().all - before).toBeGreaterThan(1);
      const expected = a.map((v, i) => v + b[i]!);
      expect(bits(f32().slice(at[2]! / 4, at[2]! / 4 + n))).toEqual(bits(expected));
    });

    it('addRows: a bias over the last axis, in either operand order', () => {
      const rows = 37;
      const c = 12;
      const rng = new Rng(12);
      const x = Float32Array.from(rng.normalArray(rows * c));
      const bias = Float32Array.from(rng.normalArray(c));
      const { at, f32 } = place(x, bias, new Float32Array(rows * c), new Float32Array(rows * c));
      pool.map('addRows', rows, [at[0]!, at[1]!, at[2]!], [c * 4, 0, c * 4], [c, c * 4, 0]);
      pool.map('addRows', rows, [at[1]!, at[0]!, at[3]!], [0, c * 4, c * 4], [c, 0, c * 4]);
      const expected = x.map((v, i) => v + bias[i % c]!);
      expect(bits(f32().slice(at[2]! / 4, at[2]! / 4 + rows * c))).toEqual(bits(expected));
      expect(bits(f32().slice(at[3]! / 4, at[3]! / 4 + rows * c))).toEqual(bits(expected));
    });

    it('relu: max(x, 0) on the bits as integers, as tfjs wasm Relu (+NaN kept, -0 and -NaN to +0)', () => {
      const negativeNaN = new Float32Array(new Uint32Array([0xffc00000]).buffer);
      const x = Float32Array.from([...special, negativeNaN[0]!, 3, -3]);
      const { at, f32 } = place(x, new Float32Array(x.length));
      pool.map('relu', x.length, at, [4, 4], [], 4);
      const out = bits(f32().slice(at[1]! / 4, at[1]! / 4 + x.length));
      expect(out).toEqual([0x7fc00000, 0, 0, 0, 0x3f800000, 0x7f800000, 0, bits(Float32Array.of(1e-40))[0], 0, 0x40200000, 0, 0x40400000, 0]);
    });

    it('reluGrad: dy where x > 0, as the single-thread kernel', () => {
      const n = 517;
      const rng = new Rng(13);
      const x = Float32Array.from(rng.normalArray(n));
      const dy = Float32Array.from(rng.normalArray(n));
      const { at, f32 } = place(dy, x, new Float32Array(n));
      pool.map('reluGrad', n, at, [4, 4, 4], [], 4);
      const expected = dy.map((d, i) => d * (x[i]! > 0 ? 1 : 0));
      expect(bits(f32().slice(at[2]! / 4, at[2]! / 4 + n))).toEqual(bits(expected));
    });

    it('copyRows: rows between strides with a constant pad around each', () => {
      const rows = 45;
      const x = Float32Array.from(new Rng(14).normalArray(rows * 10));
      const { at, f32 } = place(x, new Float32Array(rows * 9));
      // Columns 2..6 of each 10-wide row, with one 1.5 before and three after: 9 wide.
      pool.map('copyRows', rows, [at[0]! + 8, at[1]!], [40, 36], [20, 40, 36, 4, 12, 1.5]);
      const expected = Array.from({ length: rows }, (_, r) => [1.5, ...x.slice(r * 10 + 2, r * 10 + 7), 1.5, 1.5, 1.5]).flat();
      expect(Array.from(f32().slice(at[1]! / 4, at[1]! / 4 + rows * 9))).toEqual(expected);
    });

    it('rejects more pointers or words than a job holds', () => {
      expect(() => pool.map('add', 4, [0, 0, 0, 0, 0, 0, 0, 0, 0], new Array(9).fill(4))).toThrow(/at most 8 pointers/);
    });
  });

  it('hands chunks to the helpers', () => {
    const m = 512;
    pool.begin();
    const pa = pool.alloc(m * m * 4);
    const pc = pool.alloc(m * m * 4);
    const before = pool.chunkCounts();
    // On a busy machine a helper may miss a job; over many, it takes some chunks.
    for (let i = 0; i < 100 && pool.chunkCounts().helpers === before.helpers; i++) {
      pool.gemm({ a: pa, sam: m * 4, sak: 4, b: pa, sbk: m * 4, c: pc, scm: m * 4 }, m, m, m);
    }
    const after = pool.chunkCounts();
    expect(after.helpers).toBeGreaterThan(before.helpers);
    expect((after.all - before.all) % planGemm(m, m, m, 3).chunksM).toBe(0);
  });

  it('lets its helpers sleep once no job has come for HELPER_SPIN_MS', async () => {
    pool.begin();
    const pa = pool.alloc(256 * 256 * 4);
    const pc = pool.alloc(256 * 256 * 4);
    const product = { a: pa, sam: 256 * 4, sak: 4, b: pa, sbk: 256 * 4, c: pc, scm: 256 * 4 };
    pool.gemm(product, 256, 256, 256);
    const started = performance.now();
    while (pool.sleepingHelpers() < 2 && performance.now() - started < 2000) await new Promise((r) => setTimeout(r, 2));
    expect(pool.sleepingHelpers()).toBe(2);
    // Asleep, they are woken by the next job and take part again.
    const before = pool.chunkCounts().helpers;
    for (let i = 0; i < 100 && pool.chunkCounts().helpers === before; i++) {
      pool.gemm(product, 256, 256, 256);
    }
    expect(pool.chunkCounts().helpers).toBeGreaterThan(before);
    expect(HELPER_SPIN_MS).toBeLessThan(50);
  });

  it('stops its helpers when disposed', async () => {
    const other = ThreadedKernels.create(2, nodeHelperLauncher);
    await helpersUp(other, 1);
    other.dispose();
    for (let i = 0; i < 200 && other.readyHelpers() > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(other.readyHelpers()).toBe(0);
    expect(() => other.begin()).toThrow(
      'this pool of infomax wasm threads was stopped; set the thread count again to get a new one.',
    );
  });
});

describe('setWasmGemmThreads', () => {
  it('rejects counts that are not whole numbers from 1 to 16', () => {
    expect(() => setWasmGemmThreads(0)).toThrow(new WasmThreadsError('wasm gemm threads must be a whole number from 1 to 16, got 0.'));
    expect(() => setWasmGemmThreads(2.5)).toThrow('wasm gemm threads must be a whole number from 1 to 16, got 2.5.');
  });

  it('reads INFOMAX_WASM_THREADS, with the option first', () => {
    expect(requestedWasmThreads(undefined, { INFOMAX_WASM_THREADS: '3' })).toBe(3);
    expect(requestedWasmThreads(1, { INFOMAX_WASM_THREADS: '3' })).toBe(1);
    expect(requestedWasmThreads(undefined, {})).toBe(autoWasmThreads());
    expect(requestedWasmThreads('auto', {})).toBe(autoWasmThreads());
    expect(() => requestedWasmThreads(undefined, { INFOMAX_WASM_THREADS: 'two' })).toThrow(
      "Invalid wasm thread count 'two' (from INFOMAX_WASM_THREADS): use 'auto' or a whole number from 1 to 16.",
    );
    expect(() => requestedWasmThreads(17, {})).toThrow(
      "Invalid wasm thread count '17' (from the wasmThreads option): use 'auto' or a whole number from 1 to 16.",
    );
  });
});

describe('relaxed SIMD in Node', () => {
  it('is on unless INFOMAX_WASM_RELAXED_SIMD says 0 or false', () => {
    expect(relaxedSimdWanted({})).toBe(true);
    expect(relaxedSimdWanted({ INFOMAX_WASM_RELAXED_SIMD: '1' })).toBe(true);
    expect(relaxedSimdWanted({ INFOMAX_WASM_RELAXED_SIMD: '0' })).toBe(false);
    expect(relaxedSimdWanted({ INFOMAX_WASM_RELAXED_SIMD: ' False ' })).toBe(false);
  });

  it('can be switched on in this Node, and the threaded kernels then use fused multiply-adds', () => {
    expect(enableRelaxedSimd()).toBe(true);
    const pool = ThreadedKernels.create(2, nodeHelperLauncher);
    expect(pool.fma).toBe(true);
    pool.dispose();
  });
});

describe('background jobs (ThreadedKernels.gemmInBackground)', () => {
  const threads = 2;
  let memory: WebAssembly.Memory;
  let pool: ThreadedKernels;
  let top = 0;
  /** Bytes of the shared memory (64-byte aligned), after the pool's reserved block. */
  const alloc = (bytes: number) => {
    const at = top;
    top = Math.ceil((top + bytes) / 64) * 64;
    return at;
  };

  beforeAll(async () => {
    memory = new WebAssembly.Memory({ initial: 1024, maximum: 1024, shared: true });
    pool = ThreadedKernels.inPlace(threads, nodeHelperLauncher, memory, 0);
    top = Math.ceil(ThreadedKernels.reservedBytes(threads) / 64) * 64;
    await helpersUp(pool, threads - 1);
  });

  afterAll(() => pool.dispose());

  /** A random [m, k] x [k, n] product laid out in the memory, with room for C. */
  function product(m: number, n: number, k: number, seed: number) {
    const rng = new Rng(seed);
    const a = rng.normalArray(m * k);
    const b = rng.normalArray(k * n);
    const [pa, pb, pc] = [alloc(a.length * 4), alloc(b.length * 4), alloc(m * n * 4)];
    const f32 = new Float32Array(memory.buffer);
    f32.set(a, pa / 4);
    f32.set(b, pb / 4);
    const o = { a: pa, sam: k * 4, sak: 4, b: pb, sbk: n * 4, c: pc, scm: n * 4 };
    return { o, expected: reference(a, k, 1, b, m, n, k), c: () => new Float32Array(memory.buffer, pc, m * n).slice() };
  }

  it('is computed by the helper alone while this thread waits for nothing, then finished by a poll', async () => {
    const p = product(203, 37, 1500, 31);
    let done = 0;
    const job = pool.gemmInBackground(p.o, 203, 37, 1500, alloc, () => done++);
    expect(pool.backgroundPending()).toBe(1);
    // No call here runs a chunk: only the helper does, and the poll sees its last chunk done.
    for (let i = 0; i < 500 && !pool.pollBackground(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(job.finished).toBe(true);
    expect(done).toBe(1);
    expect(pool.backgroundPending()).toBe(0);
    expectClose([p.expected], [p.c()], 1e-5);
  });

  it('is finished here on demand (the chunks left run on this thread), once', () => {
    const p = product(64, 96, 3000, 32);
    let done = 0;
    const job = pool.gemmInBackground(p.o, 64, 96, 3000, alloc, () => done++);
    pool.finishBackground(job);
    pool.finishBackground(job);
    expect(done).toBe(1);
    expectClose([p.expected], [p.c()], 1e-5);
  });

  it(`keeps at most ${BACKGROUND_SLOTS} jobs, finishing the oldest to post another`, () => {
    const products = Array.from({ length: BACKGROUND_SLOTS + 3 }, (_, i) => product(40, 24, 900, 40 + i));
    const finished: number[] = [];
    products.forEach((p, i) => {
      pool.gemmInBackground(p.o, 40, 24, 900, alloc, () => finished.push(i));
      expect(pool.backgroundPending()).toBeLessThanOrEqual(BACKGROUND_SLOTS);
    });
    pool.finishBackground();
    expect(pool.backgroundPending()).toBe(0);
    expect([...finished].sort((x, y) => x - y)).toEqual(products.map((_, i) => i));
    products.forEach((p) => expectClose([p.expected], [p.c()], 1e-5));
  });

  it('runs foreground jobs posted meanwhile, and the result of each is right', () => {
    const back = product(128, 64, 2048, 51);
    const front = product(150, 80, 300, 52);
    const job = pool.gemmInBackground(back.o, 128, 64, 2048, alloc, () => {});
    pool.gemm(front.o, 150, 80, 300);
    expectClose([front.expected], [front.c()], 1e-5);
    pool.finishBackground(job);
    expectClose([back.expected], [back.c()], 1e-5);
  });

  it('is finished by dispose', async () => {
    const other = ThreadedKernels.inPlace(threads, nodeHelperLauncher, memory, alloc(ThreadedKernels.reservedBytes(threads)));
    const p = product(64, 64, 4000, 61);
    let done = 0;
    other.gemmInBackground(p.o, 64, 64, 4000, alloc, () => done++);
    other.dispose();
    expect(done).toBe(1);
    expectClose([p.expected], [p.c()], 1e-5);
  });

  it('needs an in-place pool', () => {
    const own = ThreadedKernels.create(2, nodeHelperLauncher);
    try {
      expect(() => own.gemmInBackground({ a: 0, sam: 4, sak: 4, b: 0, sbk: 4, c: 0, scm: 4 }, 1, 1, 1, () => 0, () => {})).toThrow(/in-place pool/);
    } finally {
      own.dispose();
    }
  });
});

/** Thresholds that send every product and convolution here to the threads. */
const EVERY_PRODUCT = { minMacs: 1, wakeMinMacs: 1, macsPerByte: 0 };

describe('wasm kernels on 2 threads', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    registerHelperLauncher(nodeHelperLauncher);
  });

  afterAll(() => setWasmGemmThreads(1));

  /** The same function on wasm with 1 and with 2 threads. */
  async function expectThreadsMatchOneThread(inputs: HostTensor[], fn: (...ts: tf.Tensor[]) => tf.Tensor | tf.Tensor[]): Promise<void> {
    setWasmGemmThreads(1);
    const one = await on('wasm', inputs, fn);
    setWasmGemmThreads(2, EVERY_PRODUCT);
    expect(wasmGemmThreads()).toBe(2);
    const two = await on('wasm', inputs, fn);
    expectClose(one, two, 1e-5);
    const reference = await on('cpu', inputs, fn);
    expectClose(reference, two, 1e-4);
    await useBackend('wasm');
  }

  it('matMul in every orientation', async () => {
    const rng = new Rng(3);
    const a = random(rng, [203, 130]);
    const b = random(rng, [130, 97]);
    await expectThreadsMatchOneThread([a, b], (x, y) => [
      tf.matMul(x!, y!),
      tf.matMul(x!, x!, true, false),
      tf.matMul(y!, y!, false, true),
    ]);
  });

  it('convolution forward, filter and input gradients (strided, padded, pointwise)', async () => {
    const rng = new Rng(4);
    const x = random(rng, [6, 17, 15, 9]);
    const f = random(rng, [4, 3, 9, 24]);
    const p = random(rng, [1, 1, 9, 40]);
    await expectThreadsMatchOneThread([x, f, p], (xs, fs, ps) => {
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
        tf.add(
          tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, [2, 1], 'same').square().sum(),
          tf.conv2d(a as tf.Tensor4D, c as tf.Tensor4D, 1, 'valid').square().sum(),
        ),
      );
      return [tf.conv2d(xs as tf.Tensor4D, fs as tf.Tensor4D, 1, 'valid'), ...g([xs!, fs!, ps!])];
    });
  });

  it('leaks no tensors', async () => {
    setWasmGemmThreads(2, EVERY_PRODUCT);
    const rng = new Rng(5);
    const x = tf.tensor4d(rng.normalArray(4 * 12 * 12 * 16), [4, 12, 12, 16]);
    const f = tf.tensor4d(rng.normalArray(3 * 3 * 16 * 32), [3, 3, 16, 32]);
    await expectNoLeakedTensors(() =>
      tf.dispose(tf.tidy(() => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same').sum())([x, f]))),
    );
    tf.dispose([x, f]);
  });
});

/** Runs a fixture script in a fresh Node process (with tsx) and returns what it printed. */
async function runFixture(name: string): Promise<string> {
  const script = fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
  const loader = new URL('node_modules/tsx/dist/loader.mjs', `file://${REPO_ROOT}`).href;
  const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', loader, script],
      { cwd: REPO_ROOT, env: { ...process.env, TSX_TSCONFIG_PATH: `${REPO_ROOT}tsconfig.json` }, timeout: 60_000 },
      (error, out) => (error ? reject(error) : resolve({ stdout: out })),
    );
  });
  return stdout.trim();
}

describe('row-wise passes on 2 threads, in place', () => {
  it('give the same bits as one thread for Add, Relu and its gradient, batch norm, average pooling, channel slices and pads', async () => {
    const result = JSON.parse(await runFixture('map-kernels-child.ts')) as { inPlace: boolean; chunks: number; differ: string[]; outputs: number };
    expect(result.inPlace).toBe(true);
    expect(result.outputs).toBe(12);
    expect(result.differ).toEqual([]);
    // 4 Adds, Relu twice, its gradient, 2 batch-norm passes forward and 2 back, 2 pools and a
    // gradient, a slice and a pad: each split in several chunks, so a path that silently stayed
    // single would show.
    expect(result.chunks).toBeGreaterThanOrEqual(17 * 2);
  });
});

describe('filter gradients in the background, in place', () => {
  it('are right when read at once, after their inputs are freed and overwritten, or never read', async () => {
    const result = JSON.parse(await runFixture('background-gradients-child.ts')) as Record<string, number | number[]>;
    // Off: none posted; on: both convolutions' filter gradients, in both runs.
    expect(result.postedForeground).toBe(0);
    expect(result.postedBackground).toBe(4);
    expect(result.errorAtOnce).toBeLessThan(1e-5);
    expect(result.errorAfterDispose).toBeLessThan(1e-5);
    // The kernel returns with its job pending; a read finishes it first, and so does a free
    // of an input (which new tensors then overwrite).
    expect(result.pendingAfterKernel).toEqual([0, 1, 1]);
    expect(result.errorKernelRead).toBeLessThan(1e-5);
    expect(result.errorKernelFree).toBeLessThan(1e-5);
    expect(result.pendingAtEnd).toBe(0);
    // Patch matrices and partial sums are freed with their jobs.
    expect(result.leftover).toBe(0);
  });
});

describe('helper threads and process exit', () => {
  it('a process started with 2 threads computes in place on a shared heap, then exits by itself', async () => {
    expect(await runFixture('threads-exit-child.ts')).toBe('threads 2, helpers ready 1, sum 4096, in place true, matches cpu true');
  });
});
