import { Trainer, type BackendChoice, type PluginRegistries } from '@infomax/core';
import { FileCheckpointStore, JsonlMetricsFile, ProgressBarHook } from '@infomax/core/node';
import { relative } from 'node:path';
import { say, warn, type CliIo } from '../cli-io';
import { resolveTrainConfig, type TrainConfigSources } from '../config/resolve-train-config';
import type { RunConfig } from '../config/run-config';
import { validateRunConfig } from '../config/validate-run-config';
import { CliError, usageError } from '../errors/cli-error';
import { ExitCode } from '../errors/exit-codes';
import { pluginRegistries } from '../plugin-modules';
import { buildObjective } from '../run/build-objective';
import { appendSession, sessionRecord } from '../run/environment';
import { openData, type OpenedData } from '../run/open-data';
import { assertBatchFitsData, preflightForward } from '../run/preflight';
import { RunFolder } from '../run/run-folder';
import { startBackend } from '../run/start-backend';
import { startViewWorkers } from '../run/view-workers';
import { encoderName, startupLine } from '../run/startup-line';

export interface TrainCommandOptions extends TrainConfigSources {
  backend?: string;
  /** Kernel set on wasm/cpu: auto, onednn or none (default INFOMAX_KERNELS, else auto). */
  kernels?: string;
  /** Run folder of a new run; default runs/<preset>-<date>-<time>. */
  out?: string;
  /** Run folder to continue. */
  resume?: string;
  /** false: no progress bar (metrics still go to metrics.jsonl). */
  progress?: boolean;
}

/** `infomax train`: a new run from a preset / config file, or `--resume` of an existing one. */
export async function trainCommand(options: TrainCommandOptions, io: CliIo): Promise<number> {
  const registries = pluginRegistries();
  return options.resume !== undefined ? resumeRun(options, options.resume, io, registries) : newRun(options, io, registries);
}

function timestamp(date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}${p(date.getMonth() + 1)}${p(date.getDate())}-${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`;
}

async function newRun(options: TrainCommandOptions, io: CliIo, registries: PluginRegistries): Promise<number> {
  const { config, data, notes } = await resolveTrainConfig(options, registries, {
    cwd: io.cwd,
    env: io.env,
    onWarning: (message) => warn(io, `infomax: warning: ${message}`),
  });
  const folder = new RunFolder(options.out ?? `runs/${config.preset ?? config.objective.name}-${timestamp()}`, io.cwd);
  if (folder.hasConfig()) {
    throw usageError(`${folder.dir} already holds a run`, `continue it with --resume ${folder.dir}, or choose another --out`);
  }
  const choice = await startBackend(options.backend, io, options.kernels);
  for (const note of notes) warn(io, `infomax: note: ${note}`);
  return runTraining({ folder, config, data, choice, io, progress: options.progress ?? true, resuming: false });
}

const RESUME_CONFLICTS: [keyof TrainCommandOptions, string][] = [
  ['preset', '--preset'],
  ['configFile', '--config'],
  ['data', '--data'],
  ['seed', '--seed'],
  ['batchSize', '--batch-size'],
  ['out', '--out'],
];

async function resumeRun(options: TrainCommandOptions, dir: string, io: CliIo, registries: PluginRegistries): Promise<number> {
  const conflicts = RESUME_CONFLICTS.filter(([key]) => options[key] !== undefined).map(([, flag]) => flag);
  if ((options.set ?? []).length > 0) conflicts.push('--set');
  if (conflicts.length > 0) {
    throw usageError(
      `--resume continues a run with its own config.json, so it cannot be combined with ${conflicts.join(', ')}`,
      'with --resume, only --steps, --epochs, --backend and --no-progress may be given',
    );
  }
  const folder = new RunFolder(dir, io.cwd);
  let config = await folder.readConfig(registries);
  if (options.steps !== undefined || options.epochs !== undefined) {
    const { steps: _steps, epochs: _epochs, ...rest } = config.trainer;
    const length = options.steps !== undefined ? { steps: options.steps } : { epochs: options.epochs };
    const fractional = Object.values(rest.optimizers).some((o) => o.decays.some((d) => d.atFraction !== undefined));
    if (fractional) warn(io, 'infomax: note: learning-rate decays given as a fraction of training now apply to the new length');
    config = validateRunConfig({ ...config, trainer: { ...rest, ...length } }, registries, `${folder.configFile} + flags`);
  }
  const data = await openData(config.data, io.env, io.cwd, (message) => warn(io, `infomax: warning: ${message}`));
  const choice = await startBackend(options.backend, io, options.kernels);
  return runTraining({ folder, config, data, choice, io, progress: options.progress ?? true, resuming: true });
}

interface TrainingSession {
  folder: RunFolder;
  config: RunConfig;
  data: OpenedData;
  choice: BackendChoice;
  io: CliIo;
  progress: boolean;
  resuming: boolean;
}

async function runTraining(session: TrainingSession): Promise<number> {
  const { folder, config, data, choice, io } = session;
  const logger = { warn: (message: string) => warn(io, `infomax: warning: ${message}`) };
  // Everything that can be checked is checked before the first write to the run folder.
  assertBatchFitsData(config.trainer, data.source);
  folder.assertOutputsInside([folder.configFile, folder.environmentFile, folder.metricsFile, folder.checkpointsDir]);
  const { objective, views } = buildObjective(config);
  let trainer: Trainer | undefined;
  let batches: ReturnType<typeof startViewWorkers>;
  try {
    await preflightForward(objective, views, data.source, config.trainer.batchSize, config.seed);
    batches = startViewWorkers(config, data.source, io.env, (message) => warn(io, `infomax: note: ${message}`));
    const metrics = new JsonlMetricsFile(folder.metricsFile);
    const store = new FileCheckpointStore(folder.checkpointsDir, { logger });
    trainer = new Trainer({
      objective,
      data: data.source,
      views,
      ...(batches ? { batches } : {}),
      rng: config.seed,
      config: config.trainer,
      checkpoints: store,
      metrics: [metrics],
      hooks: session.progress ? [new ProgressBarHook({ stream: io.progressStream })] : [],
      logger,
    });
    if (session.resuming) {
      if (!(await trainer.resume())) {
        throw new CliError(`${folder.dir} has no checkpoint to resume from`, ExitCode.Failure, `start it again with infomax train --out ${folder.dir} after deleting the folder`);
      }
      // Records a crashed session wrote after its last checkpoint would be duplicated.
      await metrics.truncateAfter(trainer.step);
      // A save cleans up after a crashed one; a run with nothing left to train never saves.
      await store.removeLeftovers();
      if (trainer.step >= trainer.totalSteps) {
        say(io, `infomax train: ${folder.dir} already has ${trainer.step} of ${trainer.totalSteps} steps; give --steps <more> to train further`);
        return ExitCode.Ok;
      }
    }
    // Written before the first step, so an interrupted run can always be resumed or reported.
    await folder.writeConfig(config);
    await appendSession(folder.environmentFile, sessionRecord(session.resuming ? 'resume' : 'train', choice));

    const progress = session.resuming
      ? `resuming at step ${trainer.step} of ${trainer.totalSteps} in ${displayPath(folder.dir, io.cwd)}`
      : `${plural(trainer.totalSteps, 'step')} of batch ${trainer.config.batchSize} into ${displayPath(folder.dir, io.cwd)}`;
    say(io, startupLine({ command: 'train', choice, data, objective, encoder: encoderName(config.objective.options), progress }));

    const end = await runInterruptibly(trainer, io);
    if (end.reason === 'stopped') {
      say(io, `infomax train: interrupted at step ${end.step} of ${trainer.totalSteps}; checkpoint written. Continue with: infomax train --resume ${displayPath(folder.dir, io.cwd)}`);
      return ExitCode.Interrupted;
    }
    say(io, `infomax train: done, ${plural(end.step, 'step')}. Next: infomax eval ${displayPath(folder.dir, io.cwd)}`);
    return ExitCode.Ok;
  } finally {
    trainer?.dispose();
    objective.dispose();
    await batches?.close();
  }
}

/**
 * Runs the trainer with Ctrl-C wired to a graceful stop: the first SIGINT finishes the current
 * step and writes a checkpoint; a second one quits at once. SIGTERM (what `kill`, `docker stop`
 * and job schedulers send before SIGKILL) stops gracefully the same way.
 */
async function runInterruptibly(trainer: Trainer, io: CliIo) {
  let interrupts = 0;
  const onInterrupt = () => {
    interrupts++;
    if (interrupts === 1) {
      trainer.requestStop();
      warn(io, '\ninfomax: stopping after this step and writing a checkpoint (Ctrl-C again to quit without one)');
    } else {
      warn(io, 'infomax: quitting without a checkpoint');
      process.exit(ExitCode.Interrupted);
    }
  };
  const onTerminate = () => {
    if (interrupts > 0) return;
    interrupts++;
    trainer.requestStop();
    warn(io, '\ninfomax: SIGTERM: stopping after this step and writing a checkpoint');
  };
  io.signals.on('SIGINT', onInterrupt);
  io.signals.on('SIGTERM', onTerminate);
  try {
    return await trainer.run();
  } finally {
    io.signals.off('SIGINT', onInterrupt);
    io.signals.off('SIGTERM', onTerminate);
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** A path relative to the working directory when it is inside it (shorter, copy-pasteable). */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !rel.startsWith('/') ? rel : path;
}
