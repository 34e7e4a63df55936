import { Command, InvalidArgumentError, Option } from 'commander';
import { NODE_BACKENDS } from '@infomax/core/node';
import type { CliIo } from './cli-io';
import { benchCommand } from './commands/bench';
import { KERNEL_SETS } from './run/kernel-set';
import { dataFetchCommand } from './commands/data-fetch';
import { evalCommand } from './commands/eval';
import { reportCommand } from './commands/report';
import { trainCommand } from './commands/train';
import { PRESETS } from './presets';
import { CLI_VERSION } from './version';

/** Where the chosen command leaves its exit code (commander's actions return nothing). */
export interface ProgramState {
  exitCode: number;
}

function integer(min: number, what: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\s*-?\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`expected ${what}, got '${value}'.`);
    }
    return n;
  };
}

const positive = integer(1, 'a positive integer');
const nonNegative = integer(0, 'a non-negative integer');
const collect = (value: string, previous: string[] = []) => [...previous, value];

function backendOption(): Option {
  return new Option('--backend <name>', 'tfjs backend (default: $INFOMAX_BACKEND, else auto)').choices(
    NODE_BACKENDS as unknown as string[],
  );
}

function kernelsOption(): Option {
  return new Option(
    '--kernels <set>',
    'training kernels on wasm/cpu: auto (oneDNN when its addon and libdnnl load), onednn (required), none (portable) (default: $INFOMAX_KERNELS, else auto)',
  ).choices([...KERNEL_SETS]);
}

/** The `infomax` command tree. Output goes through `io`; errors are thrown, never exit the process. */
export function buildProgram(io: CliIo, state: ProgramState): Command {
  const program = new Command('infomax')
    .description('Train, evaluate and report contrastive mutual-information objectives (AMDIM, DIM, CPC)')
    .version(CLI_VERSION, '-V, --version')
    .option('--debug', 'print stack traces of errors')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(add --help for usage)');

  program
    .command('train')
    .description('train a new run from a preset or config file, or continue one with --resume')
    .option('--preset <name>', `start from a preset: ${[...PRESETS.keys()].sort().join(', ')}`)
    .option('--config <file>', 'run config, JSON or YAML (may `extends: <preset>`)')
    .addOption(backendOption())
    .addOption(kernelsOption())
    .option('--seed <n>', 'seed of weights, shuffling and views', nonNegative)
    .addOption(new Option('--steps <n>', 'total optimisation steps').argParser(positive).conflicts('epochs'))
    .addOption(new Option('--epochs <n>', 'total epochs (full passes over the data)').argParser(positive))
    .option('--batch-size <n>', 'examples per step', positive)
    .option('--data <name|folder>', 'fashion-mnist, mnist, cifar-10, cifar-100, synthetic, synthetic-sequences, or an image folder')
    .option('--out <dir>', 'run folder to create (default: runs/<preset>-<date>-<time>)')
    .option('--resume <dir>', 'continue the run in this folder from its newest checkpoint')
    .option('--set <path=value>', 'override one config field, e.g. trainer.logEvery=1 (repeatable)', collect)
    .option('--no-progress', 'no progress bar (metrics still go to metrics.jsonl)')
    .action(async (flags: Record<string, unknown>) => {
      state.exitCode = await trainCommand(
        {
          preset: flags.preset as string | undefined,
          configFile: flags.config as string | undefined,
          backend: flags.backend as string | undefined,
          kernels: flags.kernels as string | undefined,
          seed: flags.seed as number | undefined,
          steps: flags.steps as number | undefined,
          epochs: flags.epochs as number | undefined,
          batchSize: flags.batchSize as number | undefined,
          data: flags.data as string | undefined,
          out: flags.out as string | undefined,
          resume: flags.resume as string | undefined,
          set: (flags.set as string[] | undefined) ?? [],
          progress: flags.progress as boolean,
        },
        io,
      );
    });

  program
    .command('eval')
    .description('linear probe and kNN of the newest checkpoint beside raw-pixel and random-init baselines')
    .argument('<run>', 'run folder')
    .option('--max-train <n>', 'train examples for the probe (default: eval.maxTrain, 10000)', positive)
    .option('--max-test <n>', 'test examples to score (default: eval.maxTest, 2000)', positive)
    .option('--feature <name>', "encoder feature to probe, e.g. f1, f5, f7 (AMDIM), global, fc, conv (DIM) (default: eval.feature, else the objective's)")
    .addOption(backendOption())
    .addOption(kernelsOption())
    .action(async (run: string, flags: { maxTrain?: number; maxTest?: number; feature?: string; backend?: string; kernels?: string }) => {
      state.exitCode = await evalCommand(run, flags, io);
    });

  program
    .command('report')
    .description('write <run>/report.html: training curves, evaluation table, config and environment')
    .argument('<run>', 'run folder')
    .action(async (run: string) => {
      state.exitCode = await reportCommand(run, io);
    });

  const data = program.command('data').description('manage data sets');
  data
    .command('fetch')
    .description('download, verify and unpack a data set where train looks for it')
    .argument('<name>', 'fashion-mnist, mnist or cifar-10')
    .option('--dir <dir>', 'destination (default: $INFOMAX_DATA/<name>, else ./data/<name>)')
    .option('--base-url <url>', 'mirror to download from instead of the built-in ones')
    .action(async (name: string, flags: { dir?: string; baseUrl?: string }) => {
      state.exitCode = await dataFetchCommand(name, flags, io);
    });

  program
    .command('bench')
    .description('time the training step of the benchmark configs; one JSON line per config')
    .argument('[names...]', 'amdim-bench, dim-bench, cpc-bench (default: all)')
    .option('--steps <n>', 'timed steps per config', positive, 30)
    .option('--warmup <n>', 'untimed warm-up steps', nonNegative, 3)
    .option('--profile', 'per-kernel time of one step, as a table (stderr) and JSON (stdout)')
    .addOption(backendOption())
    .addOption(kernelsOption())
    .action(async (names: string[], flags: { steps: number; warmup: number; backend?: string; kernels?: string; profile?: boolean }) => {
      state.exitCode = await benchCommand(names, flags, io);
    });

  return program;
}
