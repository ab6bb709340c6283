// Turns raw runs into the markdown summary with ratios to the adjacent bare runs.
import os from 'node:os';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

export const TARGETS = {
  express: { metrics: 0.9, full: 0.5 },
  fastify: { metrics: 0.7, full: 0.35 },
};

export function summarize(pairs, scrape, { quick, seconds, repeats }) {
  const growth = scrape.rssAfter - scrape.rssBefore;
  const lines = [
    quick
      ? '# Benchmark (quick mode: proves the harness, not the numbers)'
      : '# Benchmark',
    '',
    `- date: ${new Date().toISOString()}`,
    `- machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    `- command: \`npm run bench${quick ? ' -- --quick' : ''}\` (${seconds} s per run, 10 connections, ${repeats} bare/variant pairs per row, bare and variant runs alternated)`,
    '',
    '| adapter | variant | req/s ratio median (min–max) | CPU µs/req ratio median | p50 / p99 ms | peak RSS MB | spans/req | target | verdict |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  const groups = new Map();
  for (const p of pairs) {
    const key = `${p.adapter}/${p.variant}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(p);
  }
  const verdicts = [];
  for (const [key, runs] of groups) {
    const [adapter, variant] = key.split('/');
    const ratios = runs.map((r) => r.variantRun.rps / r.bareRun.rps);
    const cpu = runs.map((r) => r.variantRun.cpuPerReq / r.bareRun.cpuPerReq);
    const target = TARGETS[adapter]?.[variant];
    const med = median(ratios);
    const verdict =
      target === undefined
        ? '—'
        : med >= target
          ? 'met'
          : `gap ${fmt(target - med)}`;
    if (target !== undefined) verdicts.push({ key, med, target });
    lines.push(
      `| ${adapter} | ${variant} | ${fmt(med)} (${fmt(Math.min(...ratios))}–${fmt(Math.max(...ratios))}) | ${fmt(median(cpu))} | ${fmt(median(runs.map((r) => r.variantRun.p50)), 1)} / ${fmt(median(runs.map((r) => r.variantRun.p99)), 1)} | ${fmt(Math.max(...runs.map((r) => r.variantRun.peak)) / 2 ** 20, 0)} | ${fmt(median(runs.map((r) => r.variantRun.spansPerReq)), 2)} | ${target === undefined ? '—' : `≥ ${target}×`} | ${verdict} |`,
    );
  }
  lines.push(
    '',
    `Bare req/s medians: ${[...groups].map(([k, r]) => `${k} ${fmt(median(r.map((x) => x.bareRun.rps)), 0)}`).join(', ')}`,
  );
  if (scrape) {
    lines.push(
      '',
      '## Scrape cost and memory',
      '',
      `| measure | value | target |`,
      `|---|---|---|`,
      ...scrape.scrapes.map(
        (s) =>
          `| /metrics at ${s.series} series (median of ${s.samples}) | ${fmt(s.ms)} ms | ${s.series >= 2000 ? '≤ 10 ms' : '—'} |`,
      ),
      `| RSS before / after ${scrape.requests.toLocaleString('en')} requests to distinct paths (each after a full GC) | ${fmt(scrape.rssBefore / 2 ** 20, 1)} / ${fmt(scrape.rssAfter / 2 ** 20, 1)} MB (${growth >= 0 ? '+' : ''}${fmt(growth / 2 ** 20, 1)}) | ≤ +10 MB |`,
    );
  }
  return { markdown: `${lines.join('\n')}\n`, verdicts };
}
