#!/usr/bin/env node
// npm run bench:profile -- <variant> <express|fastify> [seconds] [--vs-bare] [--top N] [--warmup s]
//   [--node 22 | --node-bin <path>] [--flags="--max-semi-space-size=8 ..."]
// Runs one bench variant (bench/lib/variants.mjs: bare, metrics, traces, full, full-10,
// nodesdk) under `node --cpu-prof`, drives it like the bench does, and prints where its CPU
// went after the warm-up, in µs of main-thread CPU per request: by package (or our file, or Node's module) and
// by function, as markdown tables. With --vs-bare it profiles bare the same way and prints
// what the variant adds over bare: where the gap goes. The .cpuprofile files stay in
// bench/results/profiles/ for Chrome DevTools.
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, startApp } from './lib/app-process.mjs';
import { load } from './lib/load.mjs';
import { startSink } from './lib/otlp-sink.mjs';
import {
  add,
  functionKey,
  table as markdown,
  where,
} from './lib/profile-tables.mjs';
import { profileArgs } from './lib/profile-args.mjs';

const argv = process.argv.slice(2);
const { variant, adapter, seconds, vsBare, top, warmup, node, flags } =
  profileArgs(argv, {
    defaults: { variant: 'metrics', adapter: 'express', seconds: '8' },
    extraValued: [],
  });

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
      ...flags,
      '--cpu-prof',
      `--cpu-prof-dir=${dir}`,
      '--cpu-prof-interval=200',
    ],
  });
  let run;
  let fromMs;
  let toMs;
  let cpu;
  let mainCpu;
  const threads = new Map();
  try {
    // Warm-up, left out below. The bench's 1 s leaves TurboFan optimizing through the
    // measured seconds (V8Worker CPU) with --warmup 1.
    await load(app.url, { duration: warmup, connections: 10 });
    fromMs = performance.now() - spawned;
    const mainBefore = app.mainThreadCpuMicros();
    const threadsBefore = app.threadCpuMicros();
    run = await load(app.url, { duration: Number(seconds), connections: 10 });
    mainCpu = (app.mainThreadCpuMicros() - mainBefore) / run.total;
    for (const [name, us] of app.threadCpuMicros())
      threads.set(name, (us - (threadsBefore.get(name) ?? 0)) / run.total);
    // The profiler's own thread is the measurement's cost, not the app's.
    threads.delete('v8:ProfEvntProc');
    cpu = [...threads.values()].reduce((a, b) => a + b, 0);
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
  // The samples say where the main thread was; /proc says how much CPU it had. Spreading its
  // measured CPU over the samples in which it ran keeps the µs honest on a busy machine,
  // where wall-clock sample intervals also count the time the thread waited for a core.
  let busy = 0;
  for (const [id, count] of samples)
    if (nodes.get(id).callFrame.functionName !== '(idle)') busy += count;
  const usPerSample = mainCpu / busy;
  const byWhere = new Map();
  const byFunction = new Map();
  for (const [id, count] of samples) {
    const { callFrame } = nodes.get(id);
    add(
      byWhere,
      where(callFrame.url, callFrame.functionName),
      count * usPerSample,
    );
    add(byFunction, functionKey(callFrame), count * usPerSample);
  }
  return {
    run,
    cpu,
    mainCpu,
    threads,
    byWhere,
    byFunction,
    file: join(dir, file),
  };
}

const table = (title, rows, base) =>
  markdown({ title, rows, base, variant, top });

const sink = await startSink();
try {
  const measured = await profileRun(variant, sink);
  const bare = vsBare ? await profileRun('bare', sink) : undefined;
  const head = (name, p) =>
    `${name}/${adapter} on Node ${node.version}${flags.length ? ` ${flags.join(' ')}` : ''}: ${p.run.rps.toFixed(0)} req/s; CPU per request ${p.cpu.toFixed(1)} µs in the process (the profiler's thread left out), ${p.mainCpu.toFixed(1)} µs on the main thread (/proc)`;
  const out = [head(variant, measured)];
  if (bare) {
    out.push(
      head('bare', bare),
      '',
      `${variant} adds ${(measured.cpu - bare.cpu).toFixed(1)} µs of CPU per request over bare (/proc), ${(measured.mainCpu - bare.mainCpu).toFixed(1)} µs of it on the main thread. The main thread's CPU (from /proc, spread over the profile's samples) by package or file and by function, self time, with bare's beside it:`,
      '',
      table('thread (process CPU, /proc)', measured.threads, bare.threads),
      '',
      table('package, file or Node module', measured.byWhere, bare.byWhere),
      '',
      table('function  where:line', measured.byFunction, bare.byFunction),
    );
  } else {
    out.push(
      '',
      "The main thread's CPU per request (from /proc, spread over the profile's samples), self time:",
      '',
      table('thread (process CPU, /proc)', measured.threads),
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
