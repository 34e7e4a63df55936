import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Rng, Trainer, useBackend } from '@infomax/core';
import { ProgressBarHook } from '@infomax/core/node';
import { NoisyTwoViews, SyntheticVectors, TinyInfoNce } from './trainer-fixtures';

/** Just enough of a terminal stream for cli-progress, recording what is written. */
function fakeStream(isTTY: boolean): NodeJS.WriteStream & { text: () => string } {
  const chunks: string[] = [];
  return {
    isTTY,
    columns: 120,
    write: (chunk: string) => (chunks.push(String(chunk)), true),
    cursorTo: () => true,
    moveCursor: () => true,
    clearLine: () => true,
    clearScreenDown: () => true,
    on: () => undefined,
    removeListener: () => undefined,
    text: () => chunks.join(''),
  } as unknown as NodeJS.WriteStream & { text: () => string };
}

async function train(hook: ProgressBarHook): Promise<void> {
  const objective = new TinyInfoNce(new Rng(1));
  const trainer = new Trainer({
    objective,
    data: new SyntheticVectors(24),
    views: new NoisyTwoViews(),
    rng: 1,
    config: { batchSize: 8, steps: 4, logEvery: 2 },
    hooks: [hook],
  });
  await trainer.run();
  trainer.dispose();
  objective.dispose();
}

const savedCi = process.env.CI;

beforeAll(() => useBackend('cpu'));
afterEach(() => {
  if (savedCi === undefined) delete process.env.CI;
  else process.env.CI = savedCi;
});

describe('ProgressBarHook', () => {
  it('prints one plain line per log interval when the stream is not a TTY', async () => {
    delete process.env.CI;
    const stream = fakeStream(false);
    const hook = new ProgressBarHook({ stream });
    expect(hook.interactive).toBe(false);
    await train(hook);
    const lines = stream.text().trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^step 2\/4 \| loss -?\d\.\d+ \| estimate -?\d\.\d+ \| \d+(\.\d)? img\/s \| ETA \d+s$/);
    expect(lines[1]).toMatch(/^step 4\/4 .*ETA 0s$/);
  });

  it('is plain in CI even on a TTY', () => {
    process.env.CI = 'true';
    expect(new ProgressBarHook({ stream: fakeStream(true) }).interactive).toBe(false);
    process.env.CI = 'false';
    expect(new ProgressBarHook({ stream: fakeStream(true) }).interactive).toBe(true);
  });

  it('draws a bar with step/total, loss, estimate, images/s and ETA on a terminal', async () => {
    const stream = fakeStream(true);
    await train(new ProgressBarHook({ stream, interactive: true }));
    expect(stream.text()).toMatch(/4\/4 \| loss -?\d\.\d+ \| estimate -?\d\.\d+ \| \d+(\.\d)? img\/s \| ETA \d+s/);
  });
});
