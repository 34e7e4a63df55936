import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/main';
import { captureIo, tempDir, TINY_AMDIM } from './cli-test-io';

const losses = (file: string) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { loss: number }).loss);

describe('infomax train with view workers', () => {
  it('trains the same losses with views made on a worker thread as in the step (portable kernels)', async () => {
    const cwd = tempDir();
    const run = async (out: string, count: number) => {
      const captured = captureIo(cwd);
      const args = ['train', ...TINY_AMDIM, '--steps', '3', '--out', out, '--kernels', 'none', '--set', `viewWorkers.count=${count}`, '--no-progress'];
      expect(await main(args, { io: captured.io })).toBe(0);
      return losses(join(cwd, out, 'metrics.jsonl'));
    };
    const inStep = await run('runs/in-step', 0);
    const onWorker = await run('runs/on-worker', 1);
    expect(inStep).toHaveLength(3);
    expect(onWorker).toEqual(inStep);
  });
});
