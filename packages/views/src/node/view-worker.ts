// The entry of a view worker thread: initialises its own tfjs backend and view generator once
// (from the pool's workerData), then turns each task into host views, transferred back.
import 'reflect-metadata';
import { initBackend } from '@infomax/core';
import { move, transferableSymbol, valueSymbol, workerData } from 'piscina';
import { generateHostViews, viewBuffers } from './host-views';
import { buildViewGenerator } from './view-generator-registry';
import type { HostViews, ViewTask, ViewWorkerSetup } from './view-task';

const setup = workerData as ViewWorkerSetup;

const ready = (async () => {
  await initBackend({ backend: setup.backend, log: false });
  return buildViewGenerator(setup.generator);
})();
// A failed set-up is reported by every task (with its step), not as an unhandled rejection.
ready.catch(() => undefined);

export default async function generateViews(task: ViewTask): Promise<unknown> {
  const views = await generateHostViews(await ready, task.batch, task.rng);
  return move({
    get [transferableSymbol]() {
      return viewBuffers(views);
    },
    get [valueSymbol](): HostViews {
      return views;
    },
  } as never);
}
