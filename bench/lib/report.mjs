// Turns raw runs into the markdown summary: ratios to the adjacent bare runs, the CPU and
// memory each variant adds over bare, and the issue's targets with a verdict each.
import os from 'node:os';
import { DESCRIPTIONS, VARIANTS } from './variants.mjs';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const signed = (x, d = 1) => `${x >= 0 ? '+' : ''}${fmt(x, d)}`;
const MB = 2 ** 20;

/** Issue 23, item 3: req/s ratio to bare, median of the pairs. */
export const RATIO_TARGETS = [
  { variant: 'metrics', label: 'metrics only', express: 0.95, fastify: 0.9 },
  {
    variant: 'full',
    label: 'everything on, 100 % sampled',
    express: 0.65,
    fastify: 0.35,
  },
  {
    variant: 'full-10',
    label: 'everything on, 10 % sampled',
    express: 0.85,
    fastify: 0.55,
  },
];
export const SPAN_US_TARGET = 5;
export const SCRAPE_MS_TARGET = 10;
export const RSS_FLAT_MB = 10;
export const PEAK_OVER_BARE_MB = 60;

const atLeast = (value, target) =>
  !Number.isFinite(value)
    ? 'not measured'
    : value >= target
      ? 'met'
      : `gap ${fmt(target - value)}`;
const atMost = (value, target, unit, d = 1) =>
  !Number.isFinite(value)
    ? 'not measured'
    : value <= target
      ? 'met'
      : `gap ${fmt(value - target, d)} ${unit}`;

/** The span pipeline's row of the targets table (one micro-benchmark, not per adapter). */
export function spanRow(spans) {
  const cell =
    spans.missing ??
    `${fmt(spans.ours)} (OpenTelemetry's SDK ${fmt(spans.otel)})`;
  const verdict = atMost(spans.ours, SPAN_US_TARGET, 'µs', 2);
  return `| span pipeline, µs per span | ≤ ${SPAN_US_TARGET} | ${cell} | ${verdict} | ≤ ${SPAN_US_TARGET} | ${cell} | ${verdict} |`;
}

/** One row per adapter and variant, from its bare/variant pairs. */
export function rows(pairs) {
  const groups = new Map();
  for (const p of pairs) {
    const key = `${p.adapter}/${p.variant}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(p);
  }
  return [...groups].map(([key, runs]) => {
    const [adapter, variant] = key.split('/');
    const ratios = runs.map((r) => r.variantRun.rps / r.bareRun.rps);
    const of = (f) => median(runs.map(f));
    return {
      adapter,
      variant,
      ratio: median(ratios),
      min: Math.min(...ratios),
      max: Math.max(...ratios),
      bareRps: of((r) => r.bareRun.rps),
      bareCpu: of((r) => r.bareRun.cpuPerReq),
      cpuAdded: of((r) => r.variantRun.cpuPerReq - r.bareRun.cpuPerReq),
      p50: of((r) => r.variantRun.p50),
      p99: of((r) => r.variantRun.p99),
      peak: Math.max(...runs.map((r) => r.variantRun.peak)),
      peakOverBare: of((r) => r.variantRun.peak - r.bareRun.peak),
      spansPerReq: of((r) => r.variantRun.spansPerReq),
    };
  });
}

export function summarize(pairs, scrape, spans, meta) {
  const table = rows(pairs);
  const find = (adapter, variant) =>
    table.find((r) => r.adapter === adapter && r.variant === variant);
  const lines = [
    meta.quick
      ? '# Benchmark (quick mode: proves the harness, not the numbers)'
      : '# Benchmark',
    '',
    `- date: ${new Date().toISOString()}`,
    `- machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}; load average ${meta.loadStart.map((l) => l.toFixed(1)).join(' ')} at the start, ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} at the end`,
    ...(meta.loadStart[0] > os.cpus().length / 2
      ? [
          `- **a busy machine**: the load average was above half the cores when the run started; the ratios are not worth comparing`,
        ]
      : []),
    `- runtime of the apps: **Node ${meta.node.version}** (${meta.node.source}); load generator and sink: Node ${process.version}`,
    `- packages: ${meta.versions}`,
    `- command: \`${meta.command}\` (${meta.seconds} s per run, 10 connections, ${meta.repeats} bare/variant pair(s) per row, the order alternated; each run a fresh process after a ${meta.warmup} s warm-up)`,
    '',
    '## Rows',
    '',
    ...Object.entries(DESCRIPTIONS)
      .filter(([v]) => table.some((r) => r.variant === v))
      .map(([v, d]) => `- \`${v}\`: ${d}`),
    '',
    '| adapter | variant | req/s ratio to bare, median (min–max) | CPU µs/req added over bare (bare) | p50 / p99 ms | peak RSS MB (median Δ over bare) | spans/req (expected) |',
    '|---|---|---|---|---|---|---|',
    ...table.map(
      (r) =>
        `| ${r.adapter} | ${r.variant} | ${fmt(r.ratio)} (${fmt(r.min)}–${fmt(r.max)}) | ${signed(r.cpuAdded)} (${fmt(r.bareCpu, 1)}) | ${fmt(r.p50, 1)} / ${fmt(r.p99, 1)} | ${fmt(r.peak / MB, 0)} (${signed(r.peakOverBare / MB, 0)}) | ${fmt(r.spansPerReq)} (${VARIANTS[r.variant].spans}) |`,
    ),
    '',
    `Bare req/s medians: ${table.map((r) => `${r.adapter}/${r.variant} ${fmt(r.bareRps, 0)}`).join(', ')}`,
    '',
    '## Targets (issue 23)',
    '',
    'Ratios are the median of the pairs; the CPU µs each variant adds per request over bare is beside each.',
    '',
    '| variant | Express target | Express | verdict | Fastify target | Fastify | verdict |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const t of RATIO_TARGETS) {
    const cell = (adapter) => {
      const r = find(adapter, t.variant);
      return r === undefined
        ? ['not measured', 'not measured']
        : [
            `${fmt(r.ratio)} (${signed(r.cpuAdded)} µs)`,
            atLeast(r.ratio, t[adapter]),
          ];
    };
    lines.push(
      `| ${t.label} | ≥ ${fmt(t.express)} | ${cell('express').join(' | ')} | ≥ ${fmt(t.fastify)} | ${cell('fastify').join(' | ')} |`,
    );
  }
  lines.push(
    spanRow(spans),
    '',
    '| target | measured | verdict |',
    '|---|---|---|',
  );
  const at2000 = scrape.scrapes.find((s) => s.series === 2000);
  const growth = (scrape.rssAfter - scrape.rssBefore) / MB;
  lines.push(
    `| \`/metrics\` ≤ ${SCRAPE_MS_TARGET} ms at 2,000 series (Express app, median of ${at2000.samples} scrapes 100 ms apart; ${fmt(scrape.scrapes[0].ms)} ms at ${scrape.scrapes[0].series}) | ${fmt(at2000.ms)} ms | ${atMost(at2000.ms, SCRAPE_MS_TARGET, 'ms', 2)} |`,
    `| RSS flat (± ${RSS_FLAT_MB} MB) over ${scrape.requests.toLocaleString('en')} distinct paths${scrape.requests < 100_000 ? ' (quick mode; the target is over 100,000)' : ''}, each read after a full GC | ${fmt(scrape.rssBefore / MB, 1)} → ${fmt(scrape.rssAfter / MB, 1)} MB (${signed(growth)}) | ${atMost(Math.abs(growth), RSS_FLAT_MB, 'MB')} |`,
  );
  for (const variant of ['full', 'full-10'])
    for (const adapter of ['express', 'fastify']) {
      const r = find(adapter, variant);
      if (r === undefined) continue;
      lines.push(
        `| peak RSS ≤ bare + ${PEAK_OVER_BARE_MB} MB, ${adapter} ${variant} (median of the pairs' Δ) | ${fmt(r.peak / MB, 0)} MB (${signed(r.peakOverBare / MB, 0)}) | ${atMost(r.peakOverBare / MB, PEAK_OVER_BARE_MB, 'MB', 0)} |`,
      );
    }
  return { markdown: `${lines.join('\n')}\n`, rows: table };
}
