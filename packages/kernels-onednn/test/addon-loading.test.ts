import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useBackend, wasmThreadedRowPasses } from '@infomax/core';
import { addonCandidates, loadOneDnnAddon, oneDnnKernelStatus, registerOneDnnKernels, unregisterOneDnnKernels } from '../src/index';
import { explainLoadFailure, resetOneDnnAddonForTests } from '../src/native-addon';

const packageDir = join(__dirname, '..');
const prebuilt = join(packageDir, 'prebuilds', `${process.platform}-${process.arch}`, 'infomax_onednn.node');

describe('loading the addon', () => {
  const saved = process.env['INFOMAX_ONEDNN_ADDON'];
  afterEach(() => {
    if (saved === undefined) delete process.env['INFOMAX_ONEDNN_ADDON'];
    else process.env['INFOMAX_ONEDNN_ADDON'] = saved;
    resetOneDnnAddonForTests();
  });

  it('looks in the workspace build, then in the prebuilt binary of this platform', () => {
    expect(addonCandidates({})).toEqual([join(packageDir, 'native', 'build', 'Release', 'infomax_onednn.node'), prebuilt]);
    expect(addonCandidates({ INFOMAX_ONEDNN_ADDON: '/x/y.node' })).toEqual(['/x/y.node']);
  });

  it('reports a missing binary in plain words instead of throwing, and registration says why', () => {
    process.env['INFOMAX_ONEDNN_ADDON'] = '/nonexistent/infomax_onednn.node';
    resetOneDnnAddonForTests();
    const load = loadOneDnnAddon();
    expect(load.ok).toBe(false);
    if (!load.ok) expect(load.reason).toMatch(/^no oneDNN addon for linux-x64 \(looked in \/nonexistent\/infomax_onednn.node\); build it with libdnnl-dev/);
    const registered = registerOneDnnKernels();
    expect(registered).toEqual({ ok: false, reason: (load as { reason: string }).reason });
  });

  it('reports a binary that is not a loadable addon', () => {
    const dir = mkdtempSync(join(tmpdir(), 'onednn-'));
    const bogus = join(dir, 'infomax_onednn.node');
    writeFileSync(bogus, 'not an ELF file');
    process.env['INFOMAX_ONEDNN_ADDON'] = bogus;
    resetOneDnnAddonForTests();
    const load = loadOneDnnAddon();
    expect(load.ok).toBe(false);
    if (!load.ok) expect(load.reason).toContain(`${bogus} could not be loaded: `);
  });

  it('names the package to install when libdnnl is missing', () => {
    const error = new Error('libdnnl.so.2: cannot open shared object file: No such file or directory');
    expect(explainLoadFailure('/p/infomax_onednn.node', error)).toBe(
      '/p/infomax_onednn.node needs the oneDNN library, which is not installed (Debian/Ubuntu: apt-get install libdnnl2)',
    );
  });

  it('the prebuilt binary shipped in the package loads and runs a convolution in a fresh process', () => {
    const script = `
      const addon = require(${JSON.stringify(prebuilt)});
      const g = Int32Array.of(1, 3, 3, 1, 3, 3, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
      const x = new Float32Array(9).fill(1), f = new Float32Array(9).fill(1), y = new Float32Array(9);
      addon.conv2d(g, 0, 0, x, f, null, y);
      process.stdout.write(JSON.stringify({ info: addon.info(), y: Array.from(y) }));`;
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as { info: { version: string }; y: number[] };
    expect(out.info.version).toMatch(/^2\.\d+\.\d+$/);
    // A 3x3 box filter over ones with zero padding counts each pixel's in-image neighbours.
    expect(out.y).toEqual([4, 6, 4, 6, 9, 6, 4, 6, 4]);
  });

  it('the addon rejects wrong argument types and sizes with a clear error', () => {
    const load = loadOneDnnAddon();
    expect(load.ok).toBe(true);
    if (!load.ok) return;
    const g = Int32Array.of(1, 3, 3, 1, 3, 3, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
    const ok = new Float32Array(9);
    expect(() => load.addon.conv2d(g, 0, 0, new Float32Array(4), ok, null, ok)).toThrow('x has 4 elements, the shape needs 9');
    expect(() => load.addon.conv2d(g, 0, 0, new Float64Array(9) as unknown as Float32Array, ok, null, ok)).toThrow('x must be a Float32Array');
    expect(() => load.addon.conv2d(Int32Array.of(1, 2), 0, 0, ok, ok, null, ok)).toThrow('geometry must be an Int32Array of 17');
    expect(() => load.addon.conv2d(g, 9, 0, ok, ok, null, ok)).toThrow('unknown activation code 9');
  });
});

describe('registration', () => {
  beforeAll(() => useBackend('wasm'));
  afterEach(() => unregisterOneDnnKernels());

  it('wraps the six kernels on wasm and cpu, is idempotent, and unregistering restores the previous kernels', () => {
    unregisterOneDnnKernels(); // the suite's oneDNN pass registers them up front
    const before = tf.getKernel('Conv2D', 'wasm')!.kernelFunc;
    const first = registerOneDnnKernels({ threads: 1 });
    expect(first.ok).toBe(true);
    if (first.ok) expect(first.registration.description).toMatch(/^onednn 2\.\d+\.\d+ \(1 thread\)$/);
    const wrapped = tf.getKernel('Conv2D', 'wasm')!.kernelFunc;
    registerOneDnnKernels({ threads: 2 });
    expect(tf.getKernel('Conv2D', 'wasm')!.kernelFunc).toBe(wrapped);
    for (const backend of ['wasm', 'cpu']) {
      expect(oneDnnKernelStatus()[backend]).toEqual({
        Conv2D: 'onednn',
        FusedConv2D: 'onednn',
        Conv2DBackpropInput: 'onednn',
        Conv2DBackpropFilter: 'onednn',
        BatchMatMul: 'onednn',
        _FusedMatMul: 'onednn',
      });
    }
    unregisterOneDnnKernels();
    expect(tf.getKernel('Conv2D', 'wasm')!.kernelFunc).toBe(before);
    expect(Object.values(oneDnnKernelStatus()['wasm']!)).not.toContain('onednn');
  });

  it("keeps infomax's wasm row-wise passes off the helper threads while it serves wasm", () => {
    unregisterOneDnnKernels();
    expect(wasmThreadedRowPasses()).toBe(true);
    registerOneDnnKernels({ backends: ['cpu'] });
    expect(wasmThreadedRowPasses()).toBe(true);
    registerOneDnnKernels({ backends: ['wasm'] });
    expect(wasmThreadedRowPasses()).toBe(false);
    unregisterOneDnnKernels();
    expect(wasmThreadedRowPasses()).toBe(true);
  });

  it('serves only the backends asked for', () => {
    registerOneDnnKernels({ backends: ['wasm'] });
    expect(oneDnnKernelStatus()['wasm']!['Conv2D']).toBe('onednn');
    expect(oneDnnKernelStatus()['cpu']!['Conv2D']).toBe('other');
  });
});
