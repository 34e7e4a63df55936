import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { initBackend, resetBackendAnnouncement, setWasmGemmThreads, wasmGemmThreads, wasmTrainingKernelStatus } from '@infomax/core';
import { autoWasmThreads, initNodeBackend, isModuleNotFound, requestedNodeBackend, type ModuleLoader } from '@infomax/core/node';

/** What Node says when a package is absent. */
function notFound(name: string): Error {
  return Object.assign(new Error(`Cannot find package '${name}' imported from /app/index.js`), {
    code: 'ERR_MODULE_NOT_FOUND',
  });
}

const nothingInstalled: ModuleLoader = (name) => Promise.reject(notFound(name));

/**
 * Plays an installed tfjs-node package: "loading" it registers a 'tensorflow' backend, here a cpu
 * backend in disguise (optionally claiming a GPU), as the real package does on import.
 */
function installed(pkg: string, { gpu = false } = {}): ModuleLoader {
  return async (name) => {
    if (name !== pkg) throw notFound(name);
    const Cpu = (tf.findBackend('cpu') ?? (await ensureCpu())).constructor as new () => tf.KernelBackend;
    tf.registerBackend('tensorflow', () => Object.assign(new Cpu(), { isUsingGpuDevice: gpu }));
    return {};
  };
}

async function ensureCpu(): Promise<tf.KernelBackend> {
  await tf.setBackend('cpu');
  return tf.backend();
}

const lines: string[] = [];
const log = (line: string) => lines.push(line);

beforeEach(() => {
  lines.length = 0;
  resetBackendAnnouncement();
});

afterEach(async () => {
  setWasmGemmThreads(1);
  if (tf.findBackendFactory('tensorflow') !== null) tf.removeBackend('tensorflow');
  await tf.setBackend('cpu');
});

describe('requestedNodeBackend', () => {
  it('prefers the option, then INFOMAX_BACKEND, then auto', () => {
    expect(requestedNodeBackend('cpu', { INFOMAX_BACKEND: 'wasm' })).toBe('cpu');
    expect(requestedNodeBackend(undefined, { INFOMAX_BACKEND: ' wasm ' })).toBe('wasm');
    expect(requestedNodeBackend(undefined, { INFOMAX_BACKEND: '' })).toBe('auto');
    expect(requestedNodeBackend(undefined, {})).toBe('auto');
  });

  it('rejects unknown names, saying where they came from and what is valid', () => {
    expect(() => requestedNodeBackend('tpu', {})).toThrow(
      "Unknown backend 'tpu' (from the backend option). Valid backends: 'auto', 'tensorflow', 'tensorflow-gpu', 'wasm', 'cpu'.",
    );
    const fromEnv = () => requestedNodeBackend(undefined, { INFOMAX_BACKEND: 'webgl' });
    expect(fromEnv).toThrow(/'webgl' \(from INFOMAX_BACKEND\)/);
  });
});

describe('isModuleNotFound', () => {
  it('tells an absent package from a broken one', () => {
    expect(isModuleNotFound(notFound('@tensorflow/tfjs-node'), '@tensorflow/tfjs-node')).toBe(true);
    const cjs = Object.assign(new Error("Cannot find module '@tensorflow/tfjs-node'"), { code: 'MODULE_NOT_FOUND' });
    expect(isModuleNotFound(cjs, '@tensorflow/tfjs-node')).toBe(true);
    const binding = Object.assign(new Error("Cannot find module '/x/lib/napi-v8/tfjs_binding.node'"), {
      code: 'MODULE_NOT_FOUND',
    });
    expect(isModuleNotFound(binding, '@tensorflow/tfjs-node')).toBe(false);
    const library = new Error('libtensorflow.so.2: cannot open shared object');
    expect(isModuleNotFound(library, '@tensorflow/tfjs-node')).toBe(false);
  });
});

describe('initNodeBackend', () => {
  it('falls back to wasm with the portable kernels when no tfjs-node package is installed', async () => {
    const choice = await initNodeBackend({ env: {}, loadModule: nothingInstalled, log });
    expect(choice.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(choice.source).toBe('@tensorflow/tfjs-backend-wasm');
    expect(choice.notices).toEqual([]);
    expect(lines).toHaveLength(1);
    const threads = autoWasmThreads();
    expect(lines[0]).toBe(`infomax: backend wasm (SIMD + FMA, ${threads} thread${threads === 1 ? '' : 's'}), kernels: portable`);
    expect(wasmGemmThreads()).toBe(threads);
    expect(wasmTrainingKernelStatus().Conv2DBackpropFilter).toBe('infomax');
  });

  it('prefers tfjs-node-gpu, then tfjs-node, when installed', async () => {
    const withGpu = installed('@tensorflow/tfjs-node-gpu', { gpu: true });
    const gpu = await initNodeBackend({ env: {}, loadModule: withGpu, log });
    expect(gpu).toMatchObject({ backend: 'tensorflow', source: '@tensorflow/tfjs-node-gpu', notices: [] });
    expect(lines).toEqual(['infomax: backend tensorflow (@tensorflow/tfjs-node-gpu, GPU), kernels: native']);
    expect(tf.getBackend()).toBe('tensorflow');
    tf.removeBackend('tensorflow');

    const node = await initNodeBackend({ env: {}, loadModule: installed('@tensorflow/tfjs-node'), log: false });
    expect(node).toMatchObject({ backend: 'tensorflow', source: '@tensorflow/tfjs-node', notices: [] });
    expect(node.description).toBe('tensorflow (@tensorflow/tfjs-node, CPU), kernels: native');
  });

  it('keeps tfjs-node-gpu without a visible GPU, with a notice', async () => {
    const choice = await initNodeBackend({ env: {}, loadModule: installed('@tensorflow/tfjs-node-gpu'), log });
    expect(choice.description).toBe('tensorflow (@tensorflow/tfjs-node-gpu, CPU, no GPU visible), kernels: native');
    expect(choice.notices).toEqual([
      '@tensorflow/tfjs-node-gpu is installed but sees no GPU: libtensorflow runs on the CPU',
    ]);
    expect(lines[1]).toBe(`infomax: notice: ${choice.notices[0]}`);
  });

  it('passes over an installed but broken package with a notice', async () => {
    const broken: ModuleLoader = (name) =>
      name === '@tensorflow/tfjs-node-gpu'
        ? Promise.reject(new Error('libcudart.so.11.0: cannot open shared object file'))
        : Promise.reject(notFound(name));
    const choice = await initNodeBackend({ env: {}, loadModule: broken, log: false });
    expect(choice.backend).toBe('wasm');
    expect(choice.notices).toEqual([
      'tensorflow-gpu skipped: @tensorflow/tfjs-node-gpu is installed but failed to load: ' +
        'libcudart.so.11.0: cannot open shared object file',
    ]);
  });

  it('notices a tfjs-node that registered its backend with another copy of tfjs', async () => {
    const elsewhere: ModuleLoader = (name) =>
      name === '@tensorflow/tfjs-node' ? Promise.resolve({}) : Promise.reject(notFound(name));
    const choice = await initNodeBackend({ env: {}, loadModule: elsewhere, log: false });
    expect(choice.backend).toBe('wasm');
    expect(choice.notices[0]).toMatch(
      /^tensorflow skipped: @tensorflow\/tfjs-node loaded but its 'tensorflow' backend is not visible/,
    );
  });

  it('honours INFOMAX_BACKEND unless an option is given', async () => {
    const loadModule = installed('@tensorflow/tfjs-node');
    const fromEnv = await initNodeBackend({ env: { INFOMAX_BACKEND: 'cpu' }, loadModule, log: false });
    expect(fromEnv.backend).toBe('cpu');
    expect(fromEnv.description).toBe('cpu (plain JavaScript), kernels: tfjs');
    const fromOption = await initNodeBackend({
      backend: 'tensorflow',
      env: { INFOMAX_BACKEND: 'cpu' },
      loadModule,
      log: false,
    });
    expect(fromOption.backend).toBe('tensorflow');
    await expect(initNodeBackend({ env: { INFOMAX_BACKEND: 'gpu' }, log: false })).rejects.toThrow(
      /Unknown backend 'gpu' \(from INFOMAX_BACKEND\)\. Valid backends: 'auto', 'tensorflow'/,
    );
  });

  it('runs the wasm gemm on INFOMAX_WASM_THREADS threads, the wasmThreads option first', async () => {
    const fromEnv = await initNodeBackend({ backend: 'wasm', env: { INFOMAX_WASM_THREADS: '1' }, log: false });
    expect(fromEnv.description).toBe('wasm (SIMD + FMA, 1 thread), kernels: portable');
    expect(wasmGemmThreads()).toBe(1);
    const fromOption = await initNodeBackend({ backend: 'wasm', env: { INFOMAX_WASM_THREADS: '1' }, wasmThreads: 3, log: false });
    expect(fromOption.description).toBe('wasm (SIMD + FMA, 3 threads), kernels: portable');
    expect(wasmGemmThreads()).toBe(3);
    await expect(initNodeBackend({ backend: 'wasm', env: { INFOMAX_WASM_THREADS: '0' }, log: false })).rejects.toThrow(
      "Invalid wasm thread count '0' (from INFOMAX_WASM_THREADS): use 'auto' or a whole number from 1 to 16.",
    );
  });

  it('fails loudly when a named backend is not installed', async () => {
    const named = initNodeBackend({ backend: 'tensorflow-gpu', loadModule: nothingInstalled, log: false });
    await expect(named).rejects.toThrow(
      "Backend 'tensorflow-gpu' needs @tensorflow/tfjs-node-gpu, which is not installed",
    );
  });

  it('really looks for the optional peers and, with neither installed here, settles on wasm', async () => {
    const choice = await initNodeBackend({ env: {}, log: false });
    expect(choice.backend).toBe('wasm');
    expect(choice.notices).toEqual([]);
  });

  it('announces once per process, on stderr by default', async () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await initNodeBackend({ backend: 'cpu' });
      await initNodeBackend({ backend: 'cpu' });
      await initBackend({ backend: 'cpu' });
      expect(write).toHaveBeenCalledTimes(1);
      expect(write).toHaveBeenCalledWith('infomax: backend cpu (plain JavaScript), kernels: tfjs\n');
    } finally {
      write.mockRestore();
    }
  });
});

describe('initBackend (portable)', () => {
  it("'auto' picks wasm with its training kernels", async () => {
    const choice = await initBackend({ log });
    expect(choice.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(lines[0]).toMatch(/^infomax: backend wasm \(.*\), kernels: portable$/);
  });

  it("'auto' falls back to cpu with a notice when wasm cannot initialise", async () => {
    const wasmFactory = tf.findBackendFactory('wasm');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      await initBackend({ backend: 'wasm', log: false });
      tf.removeBackend('wasm');
      tf.registerBackend('wasm', () => Promise.reject(new Error('no WebAssembly here')));
      const choice = await initBackend({ backend: 'auto', log });
      expect(choice.backend).toBe('cpu');
      expect(choice.notices).toEqual([
        "wasm unavailable (backend 'wasm' failed to initialise (tfjs logged the cause above)); using cpu",
      ]);
      expect(lines).toEqual([
        'infomax: backend cpu (plain JavaScript), kernels: tfjs',
        `infomax: notice: ${choice.notices[0]}`,
      ]);
      await expect(initBackend({ backend: 'wasm', log: false })).rejects.toThrow(/failed to initialise/);
    } finally {
      warn.mockRestore();
      tf.removeBackend('wasm');
      if (wasmFactory) tf.registerBackend('wasm', wasmFactory, 2);
    }
  });

  it('rejects an unknown backend, listing the valid ones', async () => {
    await expect(initBackend({ backend: 'tpu' })).rejects.toThrow(
      "Unknown backend 'tpu'. Valid backends: 'auto', 'wasm', 'cpu', 'webgl' (or any tfjs backend registered in this process).",
    );
  });
});
