#!/usr/bin/env node
// npm run bench:profile -- <variant> <express|fastify> [seconds] [--vs-bare] [--top N]
//   [--node 22 | --node-bin <path>]
// Runs one bench variant (bench/lib/variants.mjs: bare, metrics, traces, full, full-10,
// nodesdk) under `node --cpu-prof`, drives it like the bench does, and prints where its CPU
// went after the warm-up, in µs per request: by package (or our file, or Node's module) and
// by function, as markdown tables. With --vs-bare it profiles bare the same way and prints
// what the variant adds over bare: where the gap goes. The .cpuprofile files stay in
// bench/results/profiles/ for Chrome DevTools.
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, startApp } from './lib/app-process.mjs';
import { load } from './lib/load.mjs';
import { startSink } from './lib/otlp-sink.mjs';
import { resolveNode } from './lib/runtime.mjs';
import { variantOf } from './lib/variants.mjs';

const argv = process.argv.slice(2);
const option = (name) => {
  const i = argv.indexOf(name);
  return i === -1 ? undefined : argv[i + 1];
};
const flagValues = new Set(
  ['--top', '--node', '--node-bin'].map(option).filter(Boolean),
);
const [variant = 'metrics', adapter = 'express', seconds = '8'] = argv.filter(
  (a) => !a.startsWith('--') && !flagValues.has(a),
);
variantOf(variant);
const vsBare = argv.includes('--vs-bare') && variant !== 'bare';
const top = Number(option('--top') ?? 25);
const node = resolveNode(argv);

/** Self time per request of one profiled run: by package and by function. */
async function profileRun(name, sink) {
  const dir = join(ROOT, 'bench', 'results', 'profiles', `${name}-${adapter}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const spawned = performance.now();
  const app = await startApp({
    variant: name,
    adapter,
    sinkUrl: sink.url,
    nodeBin: node.bin,
    nodeArgs: [
      '--cpu-prof',
      `--cpu-prof-dir=${dir}`,
      '--cpu-prof-interval=200',
    ],
  });
  let run;
  let fromMs;
  let toMs;
  let cpu;
  try {
    await load(app.url, { duration: 1, connections: 10 }); // warm-up, left out below
    fromMs = performance.now() - spawned;
    const cpuBefore = app.cpuMicros();
    run = await load(app.url, { duration: Number(seconds), connections: 10 });
    cpu = (app.cpuMicros() - cpuBefore) / run.total;
    toMs = performance.now() - spawned;
  } finally {
    await app.stop(); // SIGTERM: Nest closes, Node writes the profile at exit
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error(`no profile written to ${dir}`);
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8'));

  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const samples = new Map();
  let elapsed = 0;
  profile.samples.forEach((id, i) => {
    elapsed += profile.timeDeltas[i];
    const ms = elapsed / 1000; // from process start, a little after `spawned`
    if (ms >= fromMs && ms <= toMs) samples.set(id, (samples.get(id) ?? 0) + 1);
  });
  const total = [...samples.values()].reduce((a, b) => a + b, 0);
  // Each sample stands for an equal slice of the measured window; spread over its requests.
  const usPerSample = ((toMs - fromMs) * 1000) / total / run.total;
  const byWhere = new Map();
  const byFunction = new Map();
  const add = (map, key, us) => map.set(key, (map.get(key) ?? 0) + us);
  for (const [id, count] of samples) {
    const { functionName, url, lineNumber } = nodes.get(id).callFrame;
    const w = where(url, functionName);
    add(byWhere, w, count * usPerSample);
    add(
      byFunction,
      `${functionName || '(anonymous)'}  ${w}:${lineNumber + 1}`,
      count * usPerSample,
    );
  }
  return { run, cpu, byWhere, byFunction, file: join(dir, file) };
}

function where(url, functionName) {
  if (url === '')
    return functionName.startsWith('(')
      ? functionName // (idle), (garbage collector), (program)
      : 'native (syscalls such as writev, builtins)';
  if (url.includes('/node_modules/'))
    return /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? url;
  if (url.includes('/libs/observability/'))
    return url.replace(/.*\/libs\/observability\/dist\//, 'sdk: ');
  if (url.startsWith('node:'))
    // node:internal/async_hooks -> node: async_hooks; node:_http_server -> node: _http_server
    return `node: ${url.replace(/^node:(internal\/)?/, '').split('/')[0]}`;
  return url.replace(`file://${ROOT}/`, '');
}

const us = (x) => `${x >= 0 && x < 10 ? ' ' : ''}${x.toFixed(2)}`;

/** Markdown rows, largest first; with `base`, what `rows` adds over it. */
function table(title, rows, base) {
  const keys = new Set([...rows.keys(), ...(base?.keys() ?? [])]);
  const entries = [...keys]
    .map((k) => [k, (rows.get(k) ?? 0) - (base?.get(k) ?? 0)])
    .filter(([k]) => !k.startsWith('(idle)'));
  const sum = entries.reduce((a, [, v]) => a + v, 0);
  const lines = entries
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, v]) => `| ${us(v)} | ${k.replaceAll('|', '\\|')} |`);
  return [
    `| µs/req${base ? ' added' : ''} | ${title} |`,
    '|---:|---|',
    ...lines,
    `| ${us(sum)} | all but (idle)${base ? ', net of what bare spends' : ''} |`,
  ].join('\n');
}

const sink = await startSink();
try {
  const measured = await profileRun(variant, sink);
  const bare = vsBare ? await profileRun('bare', sink) : undefined;
  const head = (name, p) =>
    `${name}/${adapter} on Node ${node.version}: ${p.run.rps.toFixed(0)} req/s, ${p.cpu.toFixed(1)} µs of process CPU per request (all threads, /proc), ${(1e6 / p.run.rps).toFixed(1)} µs of wall time`;
  const out = [head(variant, measured)];
  if (bare) {
    out.push(
      head('bare', bare),
      '',
      `${variant} adds ${(measured.cpu - bare.cpu).toFixed(1)} µs of CPU per request over bare (/proc); main-thread self time by package or file and by function, net of bare's:`,
      '',
      table('package, file or Node module', measured.byWhere, bare.byWhere),
      '',
      table('function  where:line', measured.byFunction, bare.byFunction),
    );
  } else {
    out.push(
      '',
      'Main-thread self time per request:',
      '',
      table('package, file or Node module', measured.byWhere),
      '',
      table('function  where:line', measured.byFunction),
    );
  }
  out.push(
    '',
    `Profiles: ${[measured, bare]
      .filter(Boolean)
      .map((p) => p.file)
      .join(', ')}`,
    '',
  );
  process.stdout.write(out.join('\n'));
} finally {
  await sink.close();
}
