// @infomax/cli: the `infomax` command and its parts, for scripts that drive it in-process.
// Node only (files, signals, the terminal).
export { main, type MainOptions } from './main';
export { buildProgram, type ProgramState } from './program';
export { processIo, type CliIo, type SignalSource } from './cli-io';
export { ExitCode, type ExitCodeValue } from './errors/exit-codes';
export { CliError } from './errors/cli-error';
export { InvalidRunConfigError } from './errors/invalid-run-config-error';
export { describeError, type DescribedError } from './errors/describe-error';

export { runConfigSchema, evalConfigSchema, type RunConfig, type RunConfigInput, type EvalConfig, type DataSpec } from './config/run-config';
export { validateRunConfig } from './config/validate-run-config';
export { validatePluginSelection, partKindOf } from './config/validate-plugins';
export { resolveTrainConfig, type TrainConfigSources, type ResolvedTrainConfig } from './config/resolve-train-config';
export { deepMerge } from './config/deep-merge';
export { parseSetOverrides } from './config/set-overrides';
export { readConfigFile } from './config/read-config-file';

export { PRESETS, getPreset, amdimPreset, dimPreset, cpcPreset, type Preset, type PresetContext, type PresetResult } from './presets';
export { PLUGIN_MODULES, pluginRegistries } from './plugin-modules';

export { RunFolder } from './run/run-folder';
export { buildObjective, parameterCount, type BuiltObjective } from './run/build-objective';
export { loadObjectiveWeights } from './run/load-weights';
export type { EnvironmentFile, SessionRecord } from './run/environment';

export { trainCommand, type TrainCommandOptions } from './commands/train';
export { evalCommand, type EvalCommandOptions, type EvalRecord } from './commands/eval';
export { reportCommand } from './commands/report';
export { dataFetchCommand, type DataFetchOptions } from './commands/data-fetch';
export { benchCommand, type BenchCommandOptions } from './commands/bench';

export { renderReport, type ReportInput } from './report/render-report';
export { lineChart, type ChartSeries, type LineChartOptions } from './report/line-chart';
export { smoothSeries } from './report/smooth';
