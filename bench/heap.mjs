#!/usr/bin/env node
// node bench/heap.mjs <variant> <express|fastify> [seconds] [--vs-bare] [--top N] [--warmup s]
//   [--interval bytes] [--live] [--node 22 | --node-bin <path>] [--flags="--max-semi-space-size=8 ..."]
// Where a variant's memory goes per request: runs it like bench/profile.mjs does, with
// bench/heap-sampler.mjs preloaded, and after the warm-up samples every allocation (V8's
// sampling heap profiler, one sample per `--interval` bytes on average, default 16 KiB,
// counting objects the scavenger and the mark-compactor freed, so short-lived garbage
// counts). Prints bytes allocated per request by package (or our file, or Node's module), by
// function, and what OpenTelemetry, Node and builtins allocated under each function of ours;
// then GCs per request by kind and the CPU of V8's helper threads (/proc: GC helpers and
// TurboFan's concurrent compiler, which after a short warm-up is most of it). With --vs-bare,
// bare's figures beside and what the variant adds. With --live, the sampled objects still
// alive at 90 % of the load (what scavenges copied or promoted since the last mark-compact),
// in KiB, not per request. Needs `npm run build:lib && npm run build:fixtures` first; the
// .heapprofile files stay in bench/results/profiles/ (Chrome DevTools, Memory tab).
import {
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { ROOT, startApp } from './lib/app-process.mjs';
import { load } from './lib/load.mjs';
import { startSink } from './lib/otlp-sink.mjs';
import { add, functionKey, table, where } from './lib/profile-tables.mjs';
import { profileArgs } from './lib/profile-args.mjs';

const argv = process.argv.slice(2);
const { option, variant, adapter, seconds, vsBare, top, warmup, node, flags } =
  profileArgs(argv, {
    defaults: { variant: 'full', adapter: 'fastify', seconds: '6' },
    extraValued: ['--interval'],
  });
const interval = Number(option('--interval') ?? 16384);
const live = argv.includes('--live');
const sampler = join(ROOT, 'bench', 'heap-sampler.mjs');

async function until(check, what) {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Bytes allocated per request by where, function and caller of ours; GC and threads per request. */
async function heapRun(name, sink) {
  const app = await startApp({
    variant: name,
    adapter,
    sinkUrl: sink.url,
    nodeBin: node.bin,
    nodeArgs: [...flags, '--import', sampler],
  });
  const base = `/tmp/bench-heap-${app.pid}`;
  let run;
  let data;
  let peak;
  const threads = new Map();
  try {
    // Warm-up, left out below. The bench's 1 s leaves TurboFan optimizing through the
    // measured seconds (V8Worker CPU) with --warmup 1.
    await load(app.url, { duration: warmup, connections: 10 });
    writeFileSync(
      `${base}.start`,
      JSON.stringify({ samplingInterval: interval, live }),
    );
    await until(
      () => !existsSync(`${base}.start`),
      'the heap sampler to start',
    );
    const threadsBefore = app.threadCpuMicros();
    // --live: what is alive near the end of the load, while requests are still in flight.
    const stopping = live
      ? setTimeout(
          () => writeFileSync(`${base}.stop`, ''),
          Number(seconds) * 900,
        )
      : undefined;
    run = await load(app.url, { duration: Number(seconds), connections: 10 });
    clearTimeout(stopping);
    for (const [thread, us] of app.threadCpuMicros())
      threads.set(thread, (us - (threadsBefore.get(thread) ?? 0)) / run.total);
    if (!live) writeFileSync(`${base}.stop`, '');
    await until(() => existsSync(`${base}.json`), 'the heap profile');
    data = JSON.parse(readFileSync(`${base}.json`, 'utf8'));
    peak = app.memory().peak;
  } finally {
    await app.stop();
  }
  const dir = join(ROOT, 'bench', 'results', 'profiles', `${name}-${adapter}`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}-${adapter}.heapprofile`);
  renameSync(`${base}.json`, `${file}.json`);
  writeFileSync(file, JSON.stringify(data.profile));

  const perReq = (bytes) => (live ? bytes : bytes / run.total);
  const byWhere = new Map();
  const byFunction = new Map();
  const byCaller = new Map();
  let total = 0;
  // Self size is V8's estimate of the bytes allocated there (samples scaled by their odds).
  const walk = (node, ours, parent) => {
    const { callFrame } = node;
    const w = where(callFrame.url, callFrame.functionName);
    const isOurs = w.startsWith('sdk: ');
    const native =
      callFrame.url === '' && !callFrame.functionName.startsWith('(');
    // Charged to our function: what OpenTelemetry, Node and builtins allocate below it. Any
    // other package or the app ends the charge: Fastify's whole chain runs inside our
    // onRequest hook's `done()`, and that is not ours.
    const foreign =
      !isOurs &&
      !native &&
      !w.startsWith('@opentelemetry/') &&
      !w.startsWith('node: ') &&
      !w.startsWith('(');
    const caller = isOurs ? functionKey(callFrame) : foreign ? undefined : ours;
    if (node.selfSize > 0) {
      const bytes = perReq(node.selfSize);
      total += bytes;
      add(byWhere, w, bytes);
      // A builtin (`Map`, `join`) is named with the function that called it.
      add(
        byFunction,
        native && parent !== undefined
          ? `${callFrame.functionName} ← ${functionKey(parent)}`
          : functionKey(callFrame),
        bytes,
      );
      if (!isOurs && caller !== undefined)
        add(
          byCaller,
          `${caller} → ${native ? `builtin ${callFrame.functionName}` : w}`,
          bytes,
        );
    }
    for (const child of node.children) walk(child, caller, callFrame);
  };
  walk(data.profile.head, undefined, undefined);
  threads.delete('main'); // its GC time is in the `gc` table below, its allocations above
  const gc = new Map();
  for (const [kind, { count, ms }] of Object.entries(data.gc)) {
    gc.set(`${kind} GCs per 1,000 requests`, (count * 1000) / run.total);
    gc.set(`${kind} GC pause, µs per request`, (ms * 1000) / run.total);
  }
  return { run, total, peak, threads, gc, byWhere, byFunction, byCaller, file };
}

const unit = live ? 'KiB live' : 'KiB/req';
const kb = (x) => `${(x / 1024).toFixed(2)}`;
const plain = (x) => x.toFixed(2);
const TABLES = [
  ['gc', 'GC (main thread, `gc` performance entries)', 'per req', plain],
  ['threads', 'V8 and libuv threads but main: CPU (/proc)', 'µs/req', plain],
  ['byWhere', 'package, file or Node module (self)', unit, kb],
  ['byFunction', 'function  where:line (self)', unit, kb],
  [
    'byCaller',
    'our function → what OpenTelemetry, Node or a builtin allocated under it',
    unit,
    kb,
  ],
];
const tables = (m, b) =>
  TABLES.map(([key, title, unit, format]) =>
    table({ title, rows: m[key], base: b?.[key], variant, top, unit, format }),
  );

const sink = await startSink();
try {
  const measured = await heapRun(variant, sink);
  const bare = vsBare ? await heapRun('bare', sink) : undefined;
  const head = (name, p) =>
    `${name}/${adapter} on Node ${node.version}${flags.length ? ` ${flags.join(' ')}` : ''}, sampling every ${interval} bytes: ${p.run.rps.toFixed(0)} req/s (the profiler slows it); ${kb(p.total)} ${live ? 'KiB sampled alive at the stop' : 'KiB allocated per request'}; peak RSS ${(p.peak / 2 ** 20).toFixed(0)} MB`;
  const out = [head(variant, measured)];
  if (bare) out.push(head('bare', bare));
  out.push('', ...tables(measured, bare).flatMap((t) => [t, '']));
  out.push(
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
