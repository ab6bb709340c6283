#!/usr/bin/env node
// npm run bench:profile -- <bare|metrics|traces|full> <express|fastify> [seconds]
// Runs one bench variant under `node --cpu-prof`, drives it like the bench does, and prints
// where its CPU went after the warm-up: by package (or our file) and by function, in µs
// per request. The .cpuprofile stays in bench/results/profiles/ for Chrome DevTools.
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, startApp } from './lib/app-process.mjs';
import { load } from './lib/load.mjs';
import { startSink } from './lib/otlp-sink.mjs';

const [variant = 'metrics', adapter = 'express', seconds = '8'] =
  process.argv.slice(2);
const dir = join(ROOT, 'bench', 'results', 'profiles', `${variant}-${adapter}`);
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

const sink = await startSink();
const spawned = performance.now();
const app = await startApp({
  variant,
  adapter,
  sinkUrl: sink.url,
  nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=200'],
});
let run;
let fromMs;
let toMs;
try {
  await load(app.url, { duration: 1, connections: 10 }); // warm-up, left out below
  fromMs = performance.now() - spawned;
  run = await load(app.url, { duration: Number(seconds), connections: 10 });
  toMs = performance.now() - spawned;
} finally {
  await app.stop(); // SIGTERM: Nest closes, Node writes the profile at exit
  await sink.close();
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

const where = (url, functionName) =>
  url === ''
    ? functionName.startsWith('(')
      ? functionName // (idle), (garbage collector), (program)
      : 'native (syscalls such as writev, builtins)'
    : url.includes('/node_modules/')
      ? (/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? url)
      : url.includes('/libs/observability/')
        ? url.replace(/.*\/libs\/observability\/dist\//, 'sdk: ')
        : url.startsWith('node:')
          ? 'node internals'
          : url || '(native, gc, idle)';
const byWhere = new Map();
const byFunction = new Map();
for (const [id, count] of samples) {
  const { functionName, url, lineNumber } = nodes.get(id).callFrame;
  const w = where(url, functionName);
  byWhere.set(w, (byWhere.get(w) ?? 0) + count);
  const f = `${functionName || '(anonymous)'}  ${w}:${lineNumber + 1}`;
  byFunction.set(f, (byFunction.get(f) ?? 0) + count);
}
const table = (rows, n) =>
  [...rows]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, c]) => `${(c * usPerSample).toFixed(2).padStart(8)} µs  ${k}`)
    .join('\n');
process.stdout.write(
  `${variant}/${adapter}: ${run.rps.toFixed(0)} req/s, ${(1e6 / run.rps).toFixed(1)} µs of wall time per request\n\n` +
    `By package or file (self time per request):\n${table(byWhere, 20)}\n\n` +
    `By function:\n${table(byFunction, 30)}\n\nProfile: ${join(dir, file)}\n`,
);
