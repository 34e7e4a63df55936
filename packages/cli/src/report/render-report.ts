import type { EvalRecord } from '../commands/eval';
import type { EnvironmentFile } from '../run/environment';
import { escapeHtml } from './html';
import { lineChart, type ChartSeries } from './line-chart';
import { hasMetric, lastValue, median, seriesOf, type MetricsRow } from './metric-series';
import { formatTick } from './nice-ticks';
import { REPORT_CSS } from './report-styles';

export interface ReportInput {
  runName: string;
  /** How to name the run folder on a command line (relative to the working directory). */
  runPath: string;
  /** The raw config.json (not re-validated: a report must render even for an old run). */
  config: Record<string, unknown> | null;
  rows: readonly MetricsRow[];
  evaluation: EvalRecord | null;
  environment: EnvironmentFile;
  generatedAt: Date;
  version: string;
}

const COLORS = { loss: '#2563eb', estimate: '#059669', lr: '#d97706', linear: '#7c3aed', mlp: '#db2777', grad: '#0891b2', speed: '#475569' };

const percent = (v: number) => `${(v * 100).toFixed(1)} %`;

function get(object: unknown, ...path: string[]): unknown {
  let current = object;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** The bound the objective optimises, for labelling its estimate (a JSD is not an MI in nats). */
function estimateTitle(config: Record<string, unknown> | null): string {
  const bound = get(config, 'objective', 'options', 'bound', 'name');
  if (bound === 'jsd') return 'Bound estimate (Jensen-Shannon divergence)';
  if (typeof bound === 'string') return `Bound estimate (${bound}, nats)`;
  return 'Bound estimate';
}

function charts(input: ReportInput): string[] {
  const { rows } = input;
  const out: string[] = [];
  const chart = (title: string, series: ChartSeries[], extra: Partial<Parameters<typeof lineChart>[0]> = {}) =>
    out.push(`<div class="panel">${lineChart({ title, series, xLabel: 'step', ...extra })}</div>`);
  chart('Loss', [{ label: 'loss', color: COLORS.loss, points: seriesOf(rows, 'loss') }]);
  chart(estimateTitle(input.config), [{ label: 'estimate', color: COLORS.estimate, points: seriesOf(rows, 'estimate') }]);
  chart('Learning rate', [{ label: 'lr', color: COLORS.lr, points: seriesOf(rows, 'lr') }], { smooth: false });
  const probe: ChartSeries[] = [];
  if (hasMetric(rows, 'probe/linear_accuracy')) probe.push({ label: 'linear', color: COLORS.linear, points: seriesOf(rows, 'probe/linear_accuracy') });
  if (hasMetric(rows, 'probe/mlp_accuracy')) probe.push({ label: 'MLP', color: COLORS.mlp, points: seriesOf(rows, 'probe/mlp_accuracy') });
  chart('Online probe accuracy (train batches)', probe, { yDomain: [0, 1], formatY: (v) => `${Math.round(v * 100)} %` });
  if (hasMetric(rows, 'grad_norm')) chart('Gradient norm (before clipping)', [{ label: 'norm', color: COLORS.grad, points: seriesOf(rows, 'grad_norm') }]);
  if (hasMetric(rows, 'images_per_s')) chart('Throughput (images / s)', [{ label: 'img/s', color: COLORS.speed, points: seriesOf(rows, 'images_per_s') }]);
  return out;
}

/** `2026-11-27 23:22 UTC` from an ISO timestamp. */
function readableDate(iso: string): string {
  return iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC');
}

function card(label: string, value: string, detail = ''): string {
  return `<div class="card"><div class="label">${escapeHtml(label)}</div><div class="value">${escapeHtml(value)}</div>${detail ? `<div class="detail">${escapeHtml(detail)}</div>` : ''}</div>`;
}

function formatSeconds(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

function summary(input: ReportInput): string {
  const { rows, config } = input;
  const cards: string[] = [];
  const step = lastValue(rows, 'step');
  const total = get(config, 'trainer', 'steps');
  cards.push(card('Steps', step !== undefined ? String(step) : '-', typeof total === 'number' ? `of ${total}` : ''));
  const loss = lastValue(rows, 'loss');
  cards.push(card('Final loss', loss !== undefined ? formatTick(loss) : '-'));
  const estimate = lastValue(rows, 'estimate');
  cards.push(card('Final estimate', estimate !== undefined ? formatTick(estimate) : '-'));
  const probe = lastValue(rows, 'probe/linear_accuracy');
  if (probe !== undefined) cards.push(card('Online probe', percent(probe), 'linear, last logged batch'));
  const speed = median(rows.map((r) => r.images_per_s).filter((v): v is number => typeof v === 'number' && Number.isFinite(v)));
  if (speed !== undefined) cards.push(card('Throughput', `${speed >= 100 ? speed.toFixed(0) : speed.toFixed(1)} img/s`, 'median'));
  const time = lastValue(rows, 'time');
  if (time !== undefined) cards.push(card('Training time', formatSeconds(time)));
  const best = input.evaluation?.rows.find((r) => r.name.startsWith(input.evaluation!.objective));
  if (best) cards.push(card('Test accuracy', percent(best.linearProbeTestAccuracy), `linear probe, step ${input.evaluation!.checkpoint.step}`));
  return `<div class="cards">${cards.join('')}</div>`;
}

function evaluationSection(input: ReportInput): string {
  const evaluation = input.evaluation;
  if (!evaluation) {
    return `<div class="empty">Not evaluated yet. Run <code>infomax eval ${escapeHtml(input.runPath)}</code>, then <code>infomax report</code> again.</div>`;
  }
  const bar = (v: number | null) => (v === null ? '' : `<span class="bar" style="width:${Math.round(v * 80)}px"></span>`);
  const cell = (v: number | null) => `<td class="num">${bar(v)}${v === null ? '-' : percent(v)}</td>`;
  const body = evaluation.rows
    .map((row) => {
      const trained = row.name.startsWith(evaluation.objective) ? ' class="trained"' : '';
      return `<tr${trained}><td>${escapeHtml(row.name)}</td><td class="num">${row.dim}</td>${cell(row.linearProbeTestAccuracy)}<td class="num">${percent(row.linearProbeTrainAccuracy)}</td>${cell(row.knnTestAccuracy)}</tr>`;
    })
    .join('');
  const d = evaluation.data;
  return (
    `<table><thead><tr><th>representation</th><th class="num">dim</th><th class="num">linear probe, test</th>` +
    `<th class="num">linear probe, train</th><th class="num">kNN, test</th></tr></thead><tbody>${body}</tbody></table>` +
    `<p class="note">Checkpoint ${escapeHtml(evaluation.checkpoint.name)}; probe fitted on ${d.trainSize} examples of ${escapeHtml(d.train)}, ` +
    `scored on ${d.testSize} of ${escapeHtml(d.test)} (${d.numClasses} classes). Baselines: raw pixels, and the same architecture ` +
    `randomly initialised with seed ${evaluation.baselineSeed}. ` +
    `${evaluation.inputTransform && evaluation.inputTransform !== 'none' ? `Encoder inputs: ${escapeHtml(evaluation.inputTransform)} (as in training). ` : ''}Evaluated ${escapeHtml(readableDate(evaluation.createdAt))} on ${escapeHtml(evaluation.backend)}.</p>`
  );
}

function environmentSection(input: ReportInput): string {
  const sessions = input.environment.sessions;
  if (sessions.length === 0) return '<div class="empty">No environment recorded (environment.json is missing).</div>';
  const body = sessions
    .map(
      (s) =>
        `<tr><td>${escapeHtml(s.command)}</td><td class="nowrap">${escapeHtml(readableDate(s.startedAt))}</td>` +
        `<td>${escapeHtml(s.backendDescription)}</td><td>${escapeHtml(`infomax ${s.infomax}, tfjs ${s.tfjs}, Node ${s.node}`)}</td>` +
        `<td>${escapeHtml(`${s.platform}, ${s.cpus} CPU${s.cpus === 1 ? '' : 's'}${s.cpuModel ? ` (${s.cpuModel})` : ''}`)}</td></tr>`,
    )
    .join('');
  return `<table><thead><tr><th>session</th><th>started</th><th>backend</th><th>software</th><th>machine</th></tr></thead><tbody>${body}</tbody></table>`;
}

function subtitle(input: ReportInput): string {
  const { config } = input;
  const parts: string[] = [];
  const objective = get(config, 'objective', 'name');
  if (typeof objective === 'string') parts.push(`objective ${objective}`);
  const encoder = get(config, 'objective', 'options', 'encoder', 'name');
  if (typeof encoder === 'string') parts.push(`encoder ${encoder}`);
  const data = get(config, 'data', 'name');
  if (typeof data === 'string') parts.push(`data ${data}`);
  const batch = get(config, 'trainer', 'batchSize');
  if (typeof batch === 'number') parts.push(`batch ${batch}`);
  const preset = get(config, 'preset');
  if (typeof preset === 'string') parts.push(`preset ${preset}`);
  const backend = input.environment.sessions.find((s) => s.command === 'train' || s.command === 'resume')?.backendDescription;
  if (backend) parts.push(`backend ${backend}`);
  return parts.join(' · ');
}

/** The whole report as one HTML document: inline CSS and SVG, no scripts, no network. */
export function renderReport(input: ReportInput): string {
  const configText = input.config ? JSON.stringify(input.config, null, 2) : 'config.json is missing';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>infomax run ${escapeHtml(input.runName)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
<header>
<p class="kicker">infomax run report</p>
<h1>${escapeHtml(input.runName)}</h1>
<p class="subtitle">${escapeHtml(subtitle(input))}</p>
</header>
${summary(input)}
<h2>Training</h2>
${input.rows.length > 0 ? `<div class="charts">${charts(input).join('\n')}</div>` : '<div class="empty">No metrics recorded yet (metrics.jsonl is empty or missing).</div>'}
<h2>Evaluation</h2>
${evaluationSection(input)}
<h2>Environment</h2>
${environmentSection(input)}
<h2>Resolved config</h2>
<details open><summary>config.json</summary><pre>${escapeHtml(configText)}</pre></details>
<footer>Generated by infomax ${escapeHtml(input.version)} on ${escapeHtml(readableDate(input.generatedAt.toISOString()))}. Smoothed lines: debiased exponential moving average; faint lines: the logged values.</footer>
</main>
</body>
</html>
`;
}
