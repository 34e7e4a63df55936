import * as tf from '@tensorflow/tfjs';
import type { Batch, DataSource } from '../contracts/data-source';
import type { PreparedBatch, PreparedBatchSource, PreparedBatchStream, StepRequest } from '../contracts/prepared-batch-source';
import type { Objective, OptimizerGroup } from '../contracts/objective';
import type { ViewGenerator, Views } from '../contracts/view-generator';
import { Rng } from '../random/rng';
import { Adam } from './adam';
import { checkpointName, type CheckpointInfo, type TrainingCheckpoint } from './checkpoint';
import { CheckpointError } from './checkpoint-error';
import type { CheckpointStore } from './checkpoint-store';
import { captureCheckpoint, restoreCheckpoint } from './checkpoint-state';
import { clipByGlobalNorm, globalNorm } from './clip-by-global-norm';
import { fromHostTensor } from './host-tensor';
import { learningRateAt, type LearningRateSchedule } from './learning-rate-schedule';
import type { MetricsRecord, MetricsSink } from './metrics-sink';
import { NonFiniteLossError } from './non-finite-loss-error';
import {
  parseTrainerConfig,
  resolveGroupSettings,
  type ResolvedTrainerConfig,
  type TrainerConfig,
} from './trainer-config';
import type { TrainEndEvent, TrainerHooks } from './trainer-hooks';

export interface TrainerLogger {
  warn(message: string): void;
}

export interface TrainerOptions {
  objective: Objective;
  data: DataSource;
  views: ViewGenerator;
  /**
   * Prepares each step's labels and views ahead of the step (e.g. on worker threads) from the
   * step's indices and `views/<step>` stream; without it the step loads and generates them itself.
   */
  batches?: PreparedBatchSource;
  /** Root random stream (or its seed). Shuffling, views and objective randomness fork from it by name. */
  rng: Rng | number | string;
  config: TrainerConfig;
  checkpoints?: CheckpointStore;
  metrics?: MetricsSink[];
  hooks?: TrainerHooks[];
  logger?: TrainerLogger;
}

interface GroupRuntime {
  name: string;
  variables: tf.Variable[];
  /** tfjs variable name -> stable path (tf.variableGrads keys gradients by the former). */
  pathOf: Map<string, string>;
  optimizer: Adam;
  schedule: LearningRateSchedule;
  clipNorm: number | undefined;
  /** The objective's group (absent for main). */
  definition?: OptimizerGroup;
}

/** Values read back from one step, for the log record. */
type StepValues = Record<string, number>;

export const MAIN_GROUP = 'main';

/**
 * Optimises an objective on a data source: seeded shuffling, views, forward/backward inside
 * tf.tidy, Adam per optimizer group (main + the objective's auxiliary groups), warm-up and step
 * decays, gradient clipping, a non-finite guard, metrics, hooks, periodic checkpoints and exact
 * resume. Every random stream is forked by name from the root (`shuffle/<epoch>`,
 * `views/<step>`, `objective/<step>`, `groups/<name>/<step>`), so the state of a run is just
 * the root RNG and the step counter.
 */
export class Trainer {
  readonly config: ResolvedTrainerConfig;
  readonly totalSteps: number;
  readonly stepsPerEpoch: number;
  private readonly objective: Objective;
  private readonly data: DataSource;
  private readonly views: ViewGenerator;
  private readonly batches: PreparedBatchSource | undefined;
  private readonly rng: Rng;
  private readonly store: CheckpointStore | undefined;
  private readonly sinks: MetricsSink[];
  private readonly hooks: TrainerHooks[];
  private readonly logger: TrainerLogger;
  private readonly groups: GroupRuntime[] = [];
  /** Everything a checkpoint holds, by stable path. */
  private readonly savedVariables = new Map<string, tf.Variable>();
  private readonly nonTrainable: tf.Variable[];
  private completedSteps = 0;
  private elapsedBefore = 0;
  private lastCheckpoint: string | null = null;
  private skippedSteps = 0;
  private stopRequested = false;
  private permutation: { epoch: number; order: Int32Array } | null = null;

  constructor(options: TrainerOptions) {
    this.config = parseTrainerConfig(options.config);
    this.objective = options.objective;
    this.data = options.data;
    this.views = options.views;
    this.batches = options.batches;
    this.rng = options.rng instanceof Rng ? Rng.fromState(options.rng.getState()) : new Rng(options.rng);
    this.store = options.checkpoints;
    this.sinks = options.metrics ?? [];
    this.hooks = options.hooks ?? [];
    this.logger = options.logger ?? console;

    const { batchSize, dropLastBatch } = this.config;
    this.stepsPerEpoch = dropLastBatch ? Math.floor(this.data.size / batchSize) : Math.ceil(this.data.size / batchSize);
    if (this.stepsPerEpoch < 1) {
      throw new Error(
        `Trainer: data source '${this.data.name}' has ${this.data.size} examples, fewer than one batch of ` +
          `${batchSize}; lower batchSize or set dropLastBatch: false`,
      );
    }
    this.totalSteps = this.config.steps ?? this.config.epochs! * this.stepsPerEpoch;

    const named = this.objective.namedVariables();
    const pathByVariable = new Map<tf.Variable, string>();
    for (const [path, variable] of named) {
      pathByVariable.set(variable, path);
      this.savedVariables.set(path, variable);
    }
    const mainVariables = this.objective.trainableVariables.filter((v) => v.trainable);
    if (mainVariables.length === 0) throw new Error(`Trainer: objective '${this.objective.name}' has no trainable variables`);
    this.groups.push(this.buildGroup(MAIN_GROUP, mainVariables, undefined, pathByVariable));

    const mainSet = new Set(mainVariables);
    for (const group of this.objective.auxiliaryGroups()) {
      if (this.groups.some((g) => g.name === group.name)) {
        throw new Error(`Trainer: optimizer group name '${group.name}' is used twice ('main' is reserved for the objective)`);
      }
      const shared = group.variables.find((v) => mainSet.has(v));
      if (shared) {
        throw new Error(
          `Trainer: auxiliary group '${group.name}' shares variable '${pathByVariable.get(shared) ?? shared.name}' ` +
            `with the main group; auxiliary variables must not be in objective.trainableVariables`,
        );
      }
      const trainable = group.variables.filter((v) => v.trainable);
      if (trainable.length === 0) throw new Error(`Trainer: auxiliary group '${group.name}' has no trainable variables`);
      this.groups.push({ ...this.buildGroup(group.name, trainable, group.learningRate, pathByVariable), definition: group });
    }
    const unknown = Object.keys(this.config.optimizers).filter((name) => !this.groups.some((g) => g.name === name));
    if (unknown.length > 0) {
      throw new Error(
        `Trainer: config.optimizers names unknown group(s) ${unknown.map((n) => `'${n}'`).join(', ')}; ` +
          `groups of objective '${this.objective.name}': ${this.groups.map((g) => `'${g.name}'`).join(', ')}`,
      );
    }
    this.nonTrainable = [...this.savedVariables.values()].filter((v) => !v.trainable);
  }

  private buildGroup(
    name: string,
    variables: tf.Variable[],
    groupLearningRate: number | undefined,
    pathByVariable: Map<tf.Variable, string>,
  ): GroupRuntime {
    const pathOf = new Map<string, string>();
    const byPath: [string, tf.Variable][] = [];
    variables.forEach((variable, i) => {
      let path = pathByVariable.get(variable);
      if (path === undefined) {
        // Not reachable through namedVariables(): name it by its group and position, which are
        // as stable as the objective's construction.
        path = `groups/${name}/${i}`;
        pathByVariable.set(variable, path);
        this.savedVariables.set(path, variable);
      }
      pathOf.set(variable.name, path);
      byPath.push([path, variable]);
    });
    const { settings, schedule, clipNorm } = resolveGroupSettings(this.config, name, groupLearningRate, this.totalSteps);
    const optimizer = new Adam(byPath, {
      learningRate: settings.learningRate!,
      beta1: settings.beta1,
      beta2: settings.beta2,
      epsilon: settings.epsilon,
      weightDecay: settings.weightDecay,
      decoupledWeightDecay: settings.decoupledWeightDecay,
    });
    return { name, variables, pathOf, optimizer, schedule, clipNorm };
  }

  /** Completed updates. */
  get step(): number {
    return this.completedSteps;
  }

  /** Epoch of the next step. */
  get epoch(): number {
    return Math.floor(this.completedSteps / this.stepsPerEpoch);
  }

  /** Names of the optimizer groups, `main` first. */
  get groupNames(): string[] {
    return this.groups.map((g) => g.name);
  }

  /** Learning rate of `group` at update `step` (0-based). */
  learningRateAt(step: number, group = MAIN_GROUP): number {
    const runtime = this.groups.find((g) => g.name === group);
    if (!runtime) throw new Error(`Trainer: no optimizer group '${group}'`);
    return learningRateAt(step, runtime.schedule);
  }

  /** Ends `run` after the current step, writing a checkpoint (e.g. on Ctrl-C). */
  requestStop(): void {
    this.stopRequested = true;
  }

  /**
   * Trains until `totalSteps` (or `untilStep`, to pause earlier). Writes a checkpoint every
   * `checkpointEvery` steps and when the run ends normally; never after a failed step.
   */
  async run({ untilStep }: { untilStep?: number } = {}): Promise<TrainEndEvent> {
    const target = Math.min(this.totalSteps, untilStep ?? this.totalSteps);
    this.stopRequested = false;
    const { logEvery, checkpointEvery, batchSize } = this.config;
    const runStart = now();
    let lastLogTime = runStart;
    let imagesSinceLog = 0;
    await this.emit((h) =>
      h.onTrainStart?.({ step: this.completedSteps, totalSteps: this.totalSteps, stepsPerEpoch: this.stepsPerEpoch, batchSize }),
    );
    let reason: TrainEndEvent['reason'] = target === this.totalSteps ? 'completed' : 'paused';
    let checkpointedAt = -1;
    const startStep = this.completedSteps;
    const prepared = this.batches?.open({ from: startStep, until: target }, (s) => this.stepRequest(s));
    try {
      while (this.completedSteps < target) {
        if (this.stopRequested) {
          reason = 'stopped';
          break;
        }
        const step = this.completedSteps;
        const epoch = Math.floor(step / this.stepsPerEpoch);
        const position = step % this.stepsPerEpoch;
        const learningRate = this.learningRateAt(step);
        if (position === 0) await this.emit((h) => h.onEpochStart?.({ epoch, step }));
        await this.emit((h) => h.onStepStart?.({ step, epoch, position, learningRate }));

        const logThisStep = (step + 1) % logEvery === 0 || step + 1 === target;
        const indices = this.batchIndices(epoch, position);
        const result = await this.trainStep(step, indices, logThisStep, prepared);
        imagesSinceLog += indices.length;
        this.completedSteps = step + 1;
        await this.emit((h) =>
          h.onStepEnd?.({ step, epoch, position, learningRate, loss: result.loss, skipped: result.skipped }),
        );

        if (logThisStep) {
          const t = now();
          const record: MetricsRecord = {
            step: this.completedSteps,
            epoch,
            lr: learningRate,
            ...result.values,
            loss: result.loss,
            images_per_s: imagesSinceLog / Math.max(1e-9, (t - lastLogTime) / 1000),
            time: this.elapsedBefore + (t - runStart) / 1000,
          };
          if (this.config.nanPolicy === 'skip') record.skipped_steps = this.skippedSteps;
          lastLogTime = t;
          imagesSinceLog = 0;
          for (const sink of this.sinks) await sink.write(record);
          await this.emit((h) => h.onLog?.(record));
        }
        if (position === this.stepsPerEpoch - 1) await this.emit((h) => h.onEpochEnd?.({ epoch, step: this.completedSteps }));
        if (this.store && checkpointEvery > 0 && this.completedSteps % checkpointEvery === 0) {
          await this.saveCheckpoint(this.elapsedBefore + (now() - runStart) / 1000);
          checkpointedAt = this.completedSteps;
        }
      }
    } finally {
      await prepared?.close();
    }
    const ranSteps = this.completedSteps > startStep;
    if (this.store && ranSteps && checkpointedAt !== this.completedSteps) {
      await this.saveCheckpoint(this.elapsedBefore + (now() - runStart) / 1000);
    }
    this.elapsedBefore += (now() - runStart) / 1000;
    const end: TrainEndEvent = { step: this.completedSteps, reason };
    await this.emit((h) => h.onTrainEnd?.(end));
    if (reason === 'completed') for (const sink of this.sinks) await sink.close?.();
    return end;
  }

  /** Example indices of batch `position` of `epoch`: a seeded permutation per epoch. */
  batchIndices(epoch: number, position: number): Int32Array {
    if (this.permutation?.epoch !== epoch) {
      this.permutation = { epoch, order: this.rng.fork(`shuffle/${epoch}`).permutation(this.data.size) };
    }
    const { batchSize } = this.config;
    return this.permutation.order.slice(position * batchSize, Math.min(this.data.size, (position + 1) * batchSize));
  }

  /** What the prepared-batch source must produce for `step`. */
  private stepRequest(step: number): StepRequest {
    const indices = this.batchIndices(Math.floor(step / this.stepsPerEpoch), step % this.stepsPerEpoch);
    return { step, indices, viewsRng: this.rng.fork(`views/${step}`).getState() };
  }

  private async trainStep(
    step: number,
    indices: Int32Array,
    readValues: boolean,
    stream?: PreparedBatchStream,
  ): Promise<{ loss: number; skipped: boolean; values: StepValues }> {
    const ahead = stream ? await takePrepared(stream, step) : undefined;
    const batch: Partial<Batch> = ahead
      ? { labels: ahead.labels && (fromHostTensor(ahead.labels) as tf.Tensor1D) }
      : await this.data.batch(indices);
    const owned: tf.Tensor[] = [];
    if (batch.x) owned.push(batch.x);
    if (batch.labels) owned.push(batch.labels);
    const keep = <T extends tf.Tensor>(t: T): T => {
      tf.keep(t);
      owned.push(t);
      return t;
    };
    // Clones share storage and assign() swaps storage rather than writing in place, so this
    // snapshot of batch-norm statistics is free; it undoes a bad forward pass's update.
    const statistics = this.nonTrainable.map((v) => [v, keep(tf.clone(v))] as const);
    try {
      const main = this.groups[0]!;
      const mainLr = learningRateAt(step, main.schedule);
      let metrics: Record<string, tf.Scalar> = {};
      let auxiliaryInputs: Record<string, tf.Tensor> = {};
      const forward = tf.tidy(() => {
        const views = ahead ? uploadViews(ahead) : this.views.generate(batch.x!, this.rng.fork(`views/${step}`));
        const { value, grads } = tf.variableGrads(() => {
          const out = this.objective.compute(views, {
            training: true,
            labels: batch.labels,
            rng: this.rng.fork(`objective/${step}`),
          });
          // Kept past variableGrads' own tidy: the metrics are read for the log, the auxiliary
          // inputs feed the auxiliary groups after the main update.
          metrics = out.metrics;
          auxiliaryInputs = out.auxiliaryInputs ?? {};
          for (const t of [...Object.values(metrics), ...Object.values(auxiliaryInputs)]) keep(t);
          return out.loss;
        }, main.variables);
        const prepared = this.prepareGradients(main, grads);
        // One read checks both: [loss, global gradient norm].
        return { grads: prepared.grads, health: tf.stack([value, prepared.norm]) };
      });
      owned.push(forward.health, ...Object.values(forward.grads));

      const health = await forward.health.data();
      const loss = health[0]!;
      const bad = !Number.isFinite(loss) ? ['loss', loss] : !Number.isFinite(health[1]!) ? ['grad_norm', health[1]!] : null;
      if (bad) {
        for (const [variable, saved] of statistics) variable.assign(saved);
        this.handleNonFinite(step, bad[0] as string, bad[1] as number);
        return { loss, skipped: true, values: {} };
      }
      main.optimizer.applyGradients(forward.grads, mainLr);

      const values: StepValues = { grad_norm: health[1]! };
      if (readValues) {
        for (const [name, t] of Object.entries(metrics)) values[name] = (await t.data())[0]!;
      }
      for (const group of this.groups.slice(1)) {
        const groupValues = await this.trainAuxiliaryGroup(group, step, auxiliaryInputs, readValues, owned);
        for (const [name, v] of Object.entries(groupValues)) values[`${group.name}/${name}`] = v;
      }
      return { loss, skipped: false, values };
    } finally {
      for (const t of new Set(owned)) t.dispose();
    }
  }

  /** Gradients by path, clipped if configured, and their global norm before clipping. */
  private prepareGradients(group: GroupRuntime, grads: tf.NamedTensorMap): { grads: Record<string, tf.Tensor>; norm: tf.Scalar } {
    const byPath: Record<string, tf.Tensor> = {};
    for (const [name, grad] of Object.entries(grads)) {
      if (grad) byPath[group.pathOf.get(name)!] = grad;
    }
    if (group.clipNorm === undefined) return { grads: byPath, norm: globalNorm(Object.values(byPath)) };
    const clipped = clipByGlobalNorm(byPath, group.clipNorm);
    return { grads: clipped.grads, norm: clipped.globalNorm };
  }

  private async trainAuxiliaryGroup(
    group: GroupRuntime,
    step: number,
    inputs: Record<string, tf.Tensor>,
    readValues: boolean,
    owned: tf.Tensor[],
  ): Promise<StepValues> {
    let metrics: Record<string, tf.Scalar> = {};
    const result = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const out = group.definition!.loss(inputs, this.rng.fork(`groups/${group.name}/${step}`));
        metrics = out.metrics ?? {};
        for (const t of Object.values(metrics)) {
          tf.keep(t);
          owned.push(t);
        }
        return out.loss;
      }, group.variables);
      const prepared = this.prepareGradients(group, grads);
      return { grads: prepared.grads, health: tf.stack([value, prepared.norm]) };
    });
    owned.push(result.health, ...Object.values(result.grads));
    const health = await result.health.data();
    const loss = health[0]!;
    if (!Number.isFinite(loss) || !Number.isFinite(health[1]!)) {
      this.handleNonFinite(step, Number.isFinite(loss) ? `${group.name}/grad_norm` : `${group.name}/loss`, Number.isFinite(loss) ? health[1]! : loss);
      return {};
    }
    group.optimizer.applyGradients(result.grads, learningRateAt(step, group.schedule));
    const values: StepValues = { loss, grad_norm: health[1]!, lr: learningRateAt(step, group.schedule) };
    if (readValues) for (const [name, t] of Object.entries(metrics)) values[name] = (await t.data())[0]!;
    return values;
  }

  private handleNonFinite(step: number, metric: string, value: number): void {
    if (this.config.nanPolicy === 'stop') throw new NonFiniteLossError(step, metric, value, this.lastCheckpoint);
    this.skippedSteps++;
    // Counted from 1, as the progress bar and metrics.jsonl count steps.
    this.logger.warn(`step ${step + 1}: ${metric} is ${value}; skipping this update (nanPolicy 'skip')`);
  }

  /** Host copy of the full training state. */
  async snapshot(elapsedSeconds = this.elapsedBefore): Promise<TrainingCheckpoint> {
    return captureCheckpoint({
      step: this.completedSteps,
      epoch: this.epoch,
      position: this.completedSteps % this.stepsPerEpoch,
      rng: this.rng.getState(),
      config: this.describe(),
      elapsedSeconds,
      variables: this.savedVariables,
      optimizers: new Map(this.groups.map((g) => [g.name, g.optimizer])),
    });
  }

  /** Writes a checkpoint of the current state to the store given at construction. */
  async checkpoint(): Promise<CheckpointInfo> {
    return this.saveCheckpoint(this.elapsedBefore);
  }

  private async saveCheckpoint(elapsedSeconds: number): Promise<CheckpointInfo> {
    if (!this.store) throw new Error('Trainer: no checkpoint store was given');
    const info = await this.store.save(await this.snapshot(elapsedSeconds));
    this.lastCheckpoint = info.name;
    await this.emit((h) => h.onCheckpoint?.(info));
    return info;
  }

  /**
   * Restores variables (trainable and not), optimizer states, the RNG and the step. Validates
   * everything before changing anything; throws a CheckpointError naming the first mismatch.
   */
  restore(checkpoint: TrainingCheckpoint): void {
    // The random state is checked first too, so a bad one cannot leave restored weights behind.
    try {
      Rng.fromState(checkpoint.rng);
    } catch (error) {
      throw new CheckpointError(`checkpoint ${checkpointName(checkpoint.step)} has an invalid random state: ${(error as Error).message}`);
    }
    restoreCheckpoint(checkpoint, {
      variables: this.savedVariables,
      optimizers: new Map(this.groups.map((g) => [g.name, g.optimizer])),
    });
    this.rng.setState(checkpoint.rng);
    this.completedSteps = checkpoint.step;
    this.elapsedBefore = checkpoint.elapsedSeconds ?? 0;
    this.lastCheckpoint = checkpointName(checkpoint.step);
    this.permutation = null;
    const expectedPosition = checkpoint.step % this.stepsPerEpoch;
    if (checkpoint.epoch !== this.epoch || checkpoint.position !== expectedPosition) {
      this.logger.warn(
        `checkpoint ${checkpointName(checkpoint.step)} was at epoch ${checkpoint.epoch}, batch ${checkpoint.position}; ` +
          `with this run's batch size and data (${this.stepsPerEpoch} steps per epoch) step ${checkpoint.step} is epoch ` +
          `${this.epoch}, batch ${expectedPosition}: the data order will differ from an uninterrupted run`,
      );
    }
  }

  /** Restores the newest readable checkpoint of `store`; false when it holds none. */
  async resume(store: CheckpointStore | undefined = this.store): Promise<boolean> {
    if (!store) throw new Error('Trainer.resume: no checkpoint store given');
    const checkpoint = await store.loadLatest();
    if (!checkpoint) return false;
    this.restore(checkpoint);
    return true;
  }

  /** Configs of everything involved, stored in checkpoints for the record. */
  describe(): Record<string, unknown> {
    return {
      trainer: this.config,
      totalSteps: this.totalSteps,
      stepsPerEpoch: this.stepsPerEpoch,
      objective: { name: this.objective.name, ...this.objective.getConfig() },
      views: this.views.getConfig(),
      data: { name: this.data.name, size: this.data.size, exampleShape: [...this.data.exampleShape] },
    };
  }

  /** Frees the optimizer states (the objective belongs to the caller). */
  dispose(): void {
    for (const group of this.groups) group.optimizer.dispose();
  }

  private async emit(call: (hooks: TrainerHooks) => void | Promise<void>): Promise<void> {
    for (const hooks of this.hooks) await call(hooks);
  }
}

async function takePrepared(stream: PreparedBatchStream, step: number): Promise<PreparedBatch> {
  const prepared = await stream.next();
  if (prepared.step !== step) {
    throw new Error(
      `Trainer: the prepared-batch source handed out step ${prepared.step} when step ${step} was due; ` +
        'a source must give the steps of its range in order, one per next()',
    );
  }
  return prepared;
}

function uploadViews(prepared: PreparedBatch): Views {
  return Object.fromEntries(Object.entries(prepared.views).map(([name, view]) => [name, fromHostTensor(view)]));
}

function now(): number {
  return globalThis.performance?.now() ?? Date.now();
}
