/** The report's stylesheet, inlined into the page (no external resources). */
export const REPORT_CSS = `
:root { --ink: #0f172a; --muted: #64748b; --line: #e2e8f0; --card: #ffffff; --bg: #f8fafc; --accent: #2563eb; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1160px; margin: 0 auto; padding: 32px 28px 48px; }
header .kicker { color: var(--accent); font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: 0.06em; margin: 0 0 2px; }
header h1 { margin: 0 0 4px; font-size: 24px; font-weight: 650; letter-spacing: -0.01em; }
header .subtitle { color: var(--muted); margin: 0; }
h2 { font-size: 16px; font-weight: 650; margin: 32px 0 12px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(140px, 1fr)); gap: 12px; margin-top: 20px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; }
.card .label { color: var(--muted); font-size: 11px; white-space: nowrap; text-transform: uppercase; letter-spacing: 0.04em; }
.card .value { font-size: 19px; white-space: nowrap; font-weight: 600; margin-top: 2px; font-variant-numeric: tabular-nums; }
.card .detail { color: var(--muted); font-size: 12px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 16px; }
.panel { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 8px 10px; }
svg.chart { display: block; width: 100%; height: auto; }
svg .chart-title { font-size: 13px; font-weight: 600; fill: var(--ink); }
svg .legend { font-size: 11px; fill: var(--muted); font-variant-numeric: tabular-nums; }
svg .tick { font-size: 11px; fill: var(--muted); font-variant-numeric: tabular-nums; }
svg .axis-label { font-size: 11px; fill: var(--muted); }
svg .grid { stroke: #eef2f7; stroke-width: 1; }
svg .axis { stroke: #cbd5e1; stroke-width: 1; }
svg .chart-empty { font-size: 13px; fill: var(--muted); }
table { border-collapse: collapse; width: 100%; background: var(--card); border: 1px solid var(--line); border-radius: 10px; overflow: hidden; }
th, td { text-align: left; padding: 8px 12px; border-bottom: 1px solid var(--line); vertical-align: middle; }
th { font-size: 12px; color: var(--muted); font-weight: 600; background: #f1f5f9; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.nowrap { white-space: nowrap; }
tr:last-child td { border-bottom: none; }
tr.trained td { font-weight: 600; }
.bar { display: inline-block; height: 8px; border-radius: 4px; background: #bfdbfe; margin-right: 8px; vertical-align: middle; }
tr.trained .bar { background: var(--accent); }
.note { color: var(--muted); font-size: 13px; margin: 8px 0 0; }
.empty { background: var(--card); border: 1px dashed #cbd5e1; border-radius: 10px; padding: 16px; color: var(--muted); }
code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #f1f5f9; padding: 1px 4px; border-radius: 4px; }
pre { font: 12px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--card); border: 1px solid var(--line);
  border-radius: 10px; padding: 14px 16px; overflow: auto; max-height: 560px; margin: 0; }
details summary { cursor: pointer; color: var(--accent); margin-bottom: 8px; }
footer { margin-top: 36px; color: var(--muted); font-size: 12px; }
`;
