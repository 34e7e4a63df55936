import { evaluateRepresentations, formatAccuracyTable, rawPixelFeaturizer, type RepresentationRow } from '@infomax/eval';
import { checkpointName, type Objective } from '@infomax/core';
import { FileCheckpointStore } from '@infomax/core/node';
import { say, warn, type CliIo } from '../cli-io';
import { CliError } from '../errors/cli-error';
import { ExitCode } from '../errors/exit-codes';
import { pluginRegistries } from '../plugin-modules';
import { buildObjective, requireFeatures, type FeaturizingObjective } from '../run/build-objective';
import { appendSession, sessionRecord } from '../run/environment';
import { openEvalSplits } from '../run/eval-data';
import { evalInputTransform } from '../run/eval-input-transform';
import { loadObjectiveWeights } from '../run/load-weights';
import { describeData } from '../run/open-data';
import { RunFolder, writeJsonAtomically } from '../run/run-folder';
import { startBackend } from '../run/start-backend';
import { displayPath } from './train';

export interface EvalCommandOptions {
  maxTrain?: number;
  maxTest?: number;
  /** Encoder feature to probe; overrides `eval.feature`. */
  feature?: string;
  backend?: string;
  /** Kernel set on wasm/cpu: auto, onednn or none (default INFOMAX_KERNELS, else auto). */
  kernels?: string;
}

/** What `infomax eval` writes to `<run>/eval.json` (and `report` reads). */
export interface EvalRecord {
  createdAt: string;
  checkpoint: { name: string; step: number };
  objective: string;
  backend: string;
  data: { train: string; test: string; trainSize: number; testSize: number; numClasses: number };
  baselineSeed: number;
  /** What the encoders' inputs went through (the deterministic part of the training views). */
  inputTransform: string;
  options: Record<string, unknown>;
  rows: RepresentationRow[];
  table: string;
}

/**
 * `infomax eval <run>`: the newest checkpoint's representation beside two baselines on the
 * same splits with the same probe: raw pixels, and the same architecture randomly
 * initialised (another seed, never trained). Prints the table, writes eval.json.
 */
export async function evalCommand(runDir: string, options: EvalCommandOptions, io: CliIo): Promise<number> {
  const registries = pluginRegistries();
  const folder = new RunFolder(runDir, io.cwd);
  const config = await folder.readConfig(registries);
  folder.assertOutputsInside([folder.environmentFile, folder.evalFile]);
  const settings = {
    ...config.eval,
    ...(options.maxTrain !== undefined ? { maxTrain: options.maxTrain } : {}),
    ...(options.maxTest !== undefined ? { maxTest: options.maxTest } : {}),
    ...(options.feature !== undefined ? { feature: options.feature } : {}),
  };
  const logger = { warn: (message: string) => warn(io, `infomax: warning: ${message}`) };
  const checkpoint = await new FileCheckpointStore(folder.checkpointsDir, { logger }).loadLatest();
  if (!checkpoint) {
    throw new CliError(`${folder.dir} has no checkpoint yet`, ExitCode.Failure, `train it first: infomax train --resume ${displayPath(folder.dir, io.cwd)}`);
  }
  const { train, test } = await openEvalSplits(config.data, { ...settings, seed: config.seed }, io);
  const numClasses = train.source.numClasses;
  if (numClasses === undefined || !train.source.hasLabels || !test.source.hasLabels) {
    throw new CliError(`${train.source.name} has no labels, so there is nothing to evaluate a representation on`, ExitCode.Failure);
  }
  let knn = settings.knn;
  if (knn !== false && knn.k > train.source.size) {
    warn(io, `infomax eval: note: kNN with k = ${train.source.size} (the number of train examples) instead of ${knn.k}`);
    knn = { ...knn, k: train.source.size };
  }
  const choice = await startBackend(options.backend, io, options.kernels);
  const baselineSeed = settings.baselineSeed ?? config.seed + 1;

  const built: Objective[] = [];
  const build = (seed: number): FeaturizingObjective => {
    const { objective } = buildObjective(config, seed);
    built.push(objective);
    return requireFeatures(objective);
  };
  try {
    const trained = build(config.seed);
    loadObjectiveWeights(trained, checkpoint);
    const random = build(baselineSeed);

    const name = checkpointName(checkpoint.step);
    // Encoders see inputs prepared as in training; raw pixels stay raw.
    const input = evalInputTransform(config.viewGenerator);
    say(
      io,
      [
        `infomax eval: backend ${choice.description}`,
        `train ${describeData(train)}`,
        `test ${test.source.size} examples`,
        `objective ${trained.name} at ${name}`,
      ].join(' | '),
    );
    await appendSession(folder.environmentFile, sessionRecord('eval', choice));
    const trainedName = `${trained.name}${settings.feature ? ` ${settings.feature}` : ''} (step ${checkpoint.step})`;
    const rows = await evaluateRepresentations({
      train: train.source,
      test: test.source,
      numClasses,
      candidates: [
        { name: 'raw pixels', featurize: rawPixelFeaturizer() },
        { name: `random init (seed ${baselineSeed})`, featurize: (x) => random.features(input.apply(x), settings.feature) },
        { name: trainedName, featurize: (x) => trained.features(input.apply(x), settings.feature) },
      ],
      options: {
        batchSize: settings.batchSize,
        linearProbe: settings.linearProbe,
        knn,
        onProgress: ({ candidate, stage }) => {
          if (stage !== 'done') warn(io, `infomax eval: ${candidate}: ${stage}`);
        },
      },
    });
    const table = formatAccuracyTable(rows);
    say(io, table);
    const record: EvalRecord = {
      createdAt: new Date().toISOString(),
      checkpoint: { name, step: checkpoint.step },
      objective: trained.name,
      backend: choice.description,
      data: {
        train: train.source.name,
        test: test.source.name,
        trainSize: train.source.size,
        testSize: test.source.size,
        numClasses,
      },
      baselineSeed,
      inputTransform: input.description,
      options: { maxTrain: settings.maxTrain, maxTest: settings.maxTest, batchSize: settings.batchSize, linearProbe: settings.linearProbe, knn },
      rows,
      table,
    };
    await writeJsonAtomically(folder.evalFile, record);
    say(io, `infomax eval: wrote ${displayPath(folder.evalFile, io.cwd)}. Next: infomax report ${displayPath(folder.dir, io.cwd)}`);
    return ExitCode.Ok;
  } finally {
    for (const objective of built) objective.dispose();
  }
}
