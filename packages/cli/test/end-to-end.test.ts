import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/main';
import { captureIo, tempDir, TINY_AMDIM } from './cli-test-io';

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>;
const metricSteps = (file: string) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { step: number }).step);

describe('infomax train -> train --resume -> eval -> report (tiny AMDIM, wasm)', () => {
  it('writes a complete run folder, resumes it exactly where it stopped, evaluates and reports it', async () => {
    const cwd = tempDir();
    const run = join(cwd, 'runs', 'tiny');

    const first = captureIo(cwd);
    expect(await main(['train', ...TINY_AMDIM, '--steps', '3', '--out', 'runs/tiny', '--no-progress'], { io: first.io })).toBe(0);
    expect(first.out()).toMatch(
      /^infomax train: backend wasm \(.*\), kernels: (portable|onednn [\d.]+ \(\d threads?\)) \| data synthetic-shapes\/train, 32 x 32x32x3, 10 classes, generated \| objective amdim \(encoder amdim\), [\d.]+ k parameters \| 3 steps of batch 8 into runs\/tiny\n/,
    );
    expect(first.err()).toContain('warm-up shortened from 500 to 1 steps');
    const config = readJson(join(run, 'config.json'));
    expect(config.preset).toBe('amdim');
    expect(config.objective.options.encoder.options).toMatchObject({ ndf: 4, nRkhs: 16, inChannels: 3 });
    expect(config.trainer).toMatchObject({ batchSize: 8, steps: 3 });
    expect(config.trainer.optimizers.main).toMatchObject({ learningRate: 2e-4, beta1: 0.8, beta2: 0.999, warmupSteps: 1 });
    expect(metricSteps(join(run, 'metrics.jsonl'))).toEqual([1, 2, 3]);
    expect(readdirSync(join(run, 'checkpoints')).filter((f) => f.endsWith('.json'))).toEqual(['step-000003.json']);
    expect(readJson(join(run, 'environment.json')).sessions.map((s: { command: string; backend: string }) => [s.command, s.backend])).toEqual([
      ['train', 'wasm'],
    ]);

    // A record a crashed session wrote after its last checkpoint must not survive the resume.
    const stale = { step: 4, epoch: 1, lr: 1, loss: 12345, images_per_s: 1, time: 1 };
    appendFileSync(join(run, 'metrics.jsonl'), `${JSON.stringify(stale)}\n`);
    const second = captureIo(cwd);
    expect(await main(['train', '--resume', 'runs/tiny', '--steps', '5', '--backend', 'wasm', '--no-progress'], { io: second.io })).toBe(0);
    expect(second.out()).toContain('| resuming at step 3 of 5 in runs/tiny');
    expect(metricSteps(join(run, 'metrics.jsonl'))).toEqual([1, 2, 3, 4, 5]);
    expect(readFileSync(join(run, 'metrics.jsonl'), 'utf8')).not.toContain('12345');
    expect(readJson(join(run, 'config.json')).trainer.steps).toBe(5);
    expect(readdirSync(join(run, 'checkpoints')).filter((f) => f.endsWith('.json'))).toEqual(['step-000003.json', 'step-000005.json']);

    const evaluation = captureIo(cwd);
    expect(await main(['eval', 'runs/tiny', '--max-train', '24', '--max-test', '16', '--backend', 'wasm'], { io: evaluation.io })).toBe(0);
    expect(evaluation.out()).toContain('representation');
    const record = readJson(join(run, 'eval.json'));
    expect(record.checkpoint).toEqual({ name: 'step-000005', step: 5 });
    expect(record.data).toMatchObject({ trainSize: 24, testSize: 16, numClasses: 10 });
    expect(record.inputTransform).toBe('normalize mean [0.5, 0.5, 0.5] std [0.5, 0.5, 0.5]');
    expect(record.rows.map((r: { name: string; dim: number }) => [r.name, r.dim])).toEqual([
      ['raw pixels', 32 * 32 * 3],
      ['random init (seed 1)', 16],
      ['amdim (step 5)', 16],
    ]);
    for (const row of record.rows) {
      expect(row.linearProbeTestAccuracy).toBeGreaterThanOrEqual(0);
      expect(row.linearProbeTestAccuracy).toBeLessThanOrEqual(1);
    }

    const report = captureIo(cwd);
    expect(await main(['report', 'runs/tiny'], { io: report.io })).toBe(0);
    expect(report.out()).toBe('infomax report: wrote runs/tiny/report.html\n');
    const html = readFileSync(join(run, 'report.html'), 'utf8');
    expect(html.match(/<svg /g)?.length).toBeGreaterThanOrEqual(4);
    expect(html).toContain('amdim (step 5)');
    expect(html).toContain('Bound estimate (infonce, nats)');
    expect(html).not.toMatch(/<script|<link|\ssrc=|\shref=/); // self-contained
  }, 60_000);

  it('stops cleanly on Ctrl-C: finishes the step, writes a checkpoint, exits 130 (1-channel images)', async () => {
    const cwd = tempDir();
    // The progress line of step 1 is the moment to press Ctrl-C.
    const captured = captureIo(cwd, (chunk, signals) => {
      if (chunk.startsWith('step 1/')) signals.emit('SIGINT');
    });
    expect(await main(['train', ...TINY_AMDIM, '--set', 'data.channels=1', '--steps', '50', '--out', 'run'], { io: captured.io })).toBe(130);
    expect(captured.out()).toContain('data synthetic-shapes/train, 32 x 32x32x1, 10 classes');
    expect(captured.err()).toContain('stopping after this step and writing a checkpoint');
    expect(captured.out()).toContain('interrupted at step 1 of 50; checkpoint written. Continue with: infomax train --resume run');
    expect(readdirSync(join(cwd, 'run', 'checkpoints')).filter((f) => f.endsWith('.json'))).toEqual(['step-000001.json']);
    expect(captured.signals.listenerCount('SIGINT')).toBe(0);
    expect(existsSync(join(cwd, 'run', 'config.json'))).toBe(true);
  }, 60_000);

  it('stops the same way on SIGTERM (kill, docker stop, job schedulers)', async () => {
    const cwd = tempDir();
    const captured = captureIo(cwd, (chunk, signals) => {
      if (chunk.startsWith('step 1/')) signals.emit('SIGTERM');
    });
    expect(await main(['train', ...TINY_AMDIM, '--steps', '50', '--out', 'run'], { io: captured.io })).toBe(130);
    expect(captured.err()).toContain('infomax: SIGTERM: stopping after this step and writing a checkpoint');
    expect(captured.out()).toContain('interrupted at step 1 of 50; checkpoint written. Continue with: infomax train --resume run');
    expect(readdirSync(join(cwd, 'run', 'checkpoints')).filter((f) => f.endsWith('.json'))).toEqual(['step-000001.json']);
    expect(captured.signals.listenerCount('SIGTERM')).toBe(0);
  }, 60_000);

  it('refuses to overwrite an existing run', async () => {
    const cwd = tempDir();
    const first = captureIo(cwd);
    expect(await main(['train', ...TINY_AMDIM, '--steps', '1', '--out', 'run', '--no-progress'], { io: first.io })).toBe(0);
    const again = captureIo(cwd);
    expect(await main(['train', ...TINY_AMDIM, '--steps', '1', '--out', 'run', '--no-progress'], { io: again.io })).toBe(2);
    expect(again.err()).toContain(`infomax: error: ${join(cwd, 'run')} already holds a run\nhint: continue it with --resume`);
  }, 60_000);
});
