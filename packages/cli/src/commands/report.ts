import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { say, warn, type CliIo } from '../cli-io';
import { usageError } from '../errors/cli-error';
import { ExitCode } from '../errors/exit-codes';
import { parseMetricsJsonl } from '../report/metric-series';
import { renderReport } from '../report/render-report';
import { readEnvironment } from '../run/environment';
import { readJson, RunFolder } from '../run/run-folder';
import { checkEvalRecord } from '../run/run-records';
import { CLI_VERSION } from '../version';
import { displayPath } from './train';

/** `infomax report <run>`: writes `<run>/report.html` from config.json, metrics.jsonl, eval.json. */
export async function reportCommand(runDir: string, io: CliIo): Promise<number> {
  const folder = new RunFolder(runDir, io.cwd);
  if (!existsSync(folder.dir)) throw usageError(`no run folder at ${folder.dir}`);
  if (!folder.hasConfig() && !existsSync(folder.metricsFile)) {
    throw usageError(`${folder.dir} is not a run folder: it has neither config.json nor metrics.jsonl`);
  }
  folder.assertOutputsInside([folder.reportFile]);
  const config = folder.hasConfig() ? ((await readJson(folder.configFile)) as Record<string, unknown>) : null;
  const metricsText = existsSync(folder.metricsFile) ? await readFile(folder.metricsFile, 'utf8') : '';
  const { rows, skipped } = parseMetricsJsonl(metricsText);
  if (skipped > 0) warn(io, `infomax report: skipped ${skipped} unreadable line(s) of metrics.jsonl`);
  const evaluation = existsSync(folder.evalFile) ? checkEvalRecord(await readJson(folder.evalFile)) : { record: null };
  if (evaluation.problem) warn(io, `infomax report: eval.json is not an evaluation record (${evaluation.problem}); the report leaves it out`);
  const html = renderReport({
    runName: basename(folder.dir),
    runPath: displayPath(folder.dir, io.cwd),
    config,
    rows,
    evaluation: evaluation.record,
    environment: await readEnvironment(folder.environmentFile),
    generatedAt: new Date(),
    version: CLI_VERSION,
  });
  await writeFile(folder.reportFile, html, 'utf8');
  say(io, `infomax report: wrote ${displayPath(folder.reportFile, io.cwd)}`);
  return ExitCode.Ok;
}
