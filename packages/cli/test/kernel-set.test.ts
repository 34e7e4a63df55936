import { afterEach, describe, expect, it } from 'vitest';
import type { BackendChoice } from '@infomax/core';
import { oneDnnKernelStatus, unregisterOneDnnKernels } from '@infomax/kernels-onednn';
import { applyKernelSet } from '../src/run/kernel-set';

const wasm: BackendChoice = {
  backend: 'wasm',
  source: '@tensorflow/tfjs-backend-wasm',
  description: 'wasm (SIMD, 1 thread), kernels: portable',
  notices: [],
};

describe('--kernels', () => {
  afterEach(() => unregisterOneDnnKernels());

  it('auto puts oneDNN on wasm and names it in the backend line', () => {
    const choice = applyKernelSet(undefined, wasm, {});
    expect(choice.description).toMatch(/^wasm \(SIMD, 1 thread\), kernels: onednn 2\.\d+\.\d+ \(\d threads?\)$/);
    expect(oneDnnKernelStatus()['wasm']!['Conv2DBackpropFilter']).toBe('onednn');
  });

  it('none keeps the portable kernels, also when INFOMAX_KERNELS says none', () => {
    applyKernelSet('onednn', wasm, {});
    expect(applyKernelSet('none', wasm, {})).toEqual(wasm);
    expect(oneDnnKernelStatus()['wasm']!['Conv2D']).not.toBe('onednn');
    expect(applyKernelSet(undefined, wasm, { INFOMAX_KERNELS: 'none' })).toEqual(wasm);
  });

  it('rejects an unknown kernel set, naming the known ones and where the value came from', () => {
    expect(() => applyKernelSet('mkl', wasm, {})).toThrow("unknown kernel set 'mkl' (from --kernels); kernel sets: auto, onednn, none");
    expect(() => applyKernelSet(undefined, wasm, { INFOMAX_KERNELS: 'fast' })).toThrow("unknown kernel set 'fast' (from INFOMAX_KERNELS)");
  });

  it('onednn on a backend it cannot serve is an error that says what to do; auto just keeps that backend', () => {
    const tensorflow: BackendChoice = { backend: 'tensorflow', source: '@tensorflow/tfjs-node', description: 'tensorflow (libtensorflow)', notices: [] };
    expect(() => applyKernelSet('onednn', tensorflow, {})).toThrow(
      '--kernels onednn serves the wasm and cpu backends, and the backend is tensorflow; use --backend wasm, or --kernels auto',
    );
    expect(applyKernelSet('auto', tensorflow, {})).toEqual(tensorflow);
  });
});
