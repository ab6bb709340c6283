#!/usr/bin/env node
// npm run bench [-- --quick] [--node 22 | --node-bin <path>] [--spans | --only-spans]
//   [--variants a,b] [--adapters express] [--pairs N] [--warmup s]:
// variants of one small app against bare Nest, on Express and Fastify, load from a separate
// process on loopback, bare and variant runs alternated. README, "Benchmark", says how to read it.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { ROOT, withApp } from './lib/app-process.mjs';
import { load } from './lib/load.mjs';
import { startSink } from './lib/otlp-sink.mjs';
import { spanRow, summarize } from './lib/report.mjs';
import { packageVersions, resolveNode } from './lib/runtime.mjs';
import { spanPipeline } from './lib/spans.mjs';
import { VARIANT_NAMES, VARIANTS, variantOf } from './lib/variants.mjs';

const argv = process.argv.slice(2);
const option = (name) => {
  const i = argv.indexOf(name);
  return i === -1 ? undefined : argv[i + 1];
};
const quick = argv.includes('--quick');
// More, shorter pairs rather than fewer long ones: on a shared VM a slow spell hits one
// run, and the median over several pairs shrugs it off where the median over three did not.
const seconds = quick ? 2 : 4;
const repeats = Number(option('--pairs') ?? (quick ? 1 : 4));
// A service runs for hours: measure it once V8 has compiled its hot paths. After 1 s of
// load TurboFan was still optimizing ~480 functions (its threads: 21-45 µs of CPU per
// request with everything on, against 3-5 after 8 s); bare and variant get the same.
const warmup = Number(option('--warmup') ?? (quick ? 1 : 5));
const adapters = option('--adapters')?.split(',') ?? ['express', 'fastify'];
const variants = option('--variants')?.split(',') ?? VARIANT_NAMES;
variants.forEach(variantOf); // an unknown name fails here, not after minutes of runs
// The span micro-benchmark runs in full mode, and in quick mode when asked for.
const withSpans = argv.includes('--spans') || !quick;
const node = resolveNode(argv);
const loadStart = os.loadavg();

const total = adapters.length * variants.length * repeats * 2;
let done = 0;
const started = Date.now();

function progress(label) {
  done++;
  const elapsed = ((Date.now() - started) / 1000).toFixed(0);
  process.stdout.write(`\r[${done}/${total}] ${elapsed}s ${label}`.padEnd(90));
}

async function measure(variant, adapter, sink) {
  return withApp(
    { variant, adapter, sinkUrl: sink.url, nodeBin: node.bin },
    async (app) => {
      const traced = VARIANTS[variant].spans > 0;
      await load(app.url, { duration: warmup, connections: 10 }); // JIT, connection pools
      await new Promise((r) => setTimeout(r, 1_200)); // let the warm-up's spans leave
      sink.reset();
      const cpuBefore = app.cpuMicros();
      const run = await load(app.url, { duration: seconds, connections: 10 });
      const cpu = app.cpuMicros() - cpuBefore;
      if (traced) await new Promise((r) => setTimeout(r, 1_500)); // the last batch
      const { peak } = app.memory();
      // A row whose spans are not the expected ones (none, or a span per hook) compares
      // something else: fail rather than print it. 10 % sampling varies; a run has >1,000 requests.
      const expected = VARIANTS[variant].spans;
      const spansPerReq = sink.spans() / run.total;
      if (Math.abs(spansPerReq - expected) > expected / 4 + 0.05)
        throw new Error(
          `${variant}/${adapter}: ${spansPerReq.toFixed(2)} spans per request exported, expected ${expected}`,
        );
      if (run.non2xx > 0)
        throw new Error(`${variant}/${adapter}: ${run.non2xx} failed requests`);
      return {
        ...run,
        cpuPerReq: cpu / run.total,
        peak,
        spansPerReq,
      };
    },
  );
}

async function scrapeCost(sink) {
  return withApp(
    {
      variant: 'metrics',
      adapter: 'express',
      sinkUrl: sink.url,
      nodeBin: node.bin,
    },
    async (app) => {
      const scrapes = [];
      let created = 0;
      for (const series of [200, 1990]) {
        for (; created < series; created++)
          await fetch(`${app.url}/api/series/${created}`);
        const times = [];
        for (let i = 0; i < (quick ? 5 : 30); i++) {
          // Scrapes are periodic (Prometheus: every 15-30 s). Back to back, each would also
          // wait out the endpoint's pause (3x the last collection's cost; README, "Scrape
          // concurrency"), which protects the app from looping scrapers and is not a scrape's cost.
          await new Promise((resolve) => setTimeout(resolve, 100));
          const t0 = performance.now();
          await (await fetch(`${app.url}/metrics`)).text();
          times.push(performance.now() - t0);
        }
        times.sort((a, b) => a - b);
        scrapes.push({
          series: series === 1990 ? 2000 : series,
          ms: times[Math.floor(times.length / 2)],
          samples: times.length,
        });
      }
      return scrapes;
    },
  );
}

// RSS before and after many requests to distinct paths, each read after a forced full GC
// and with V8's young generation capped (2 MB semi-spaces): what is measured is memory
// the app retains, not garbage or V8 growing its nursery as the request rate rises.
async function pathMemory(sink) {
  return withApp(
    {
      variant: 'metrics',
      adapter: 'express',
      sinkUrl: sink.url,
      nodeArgs: ['--expose-gc', '--max-semi-space-size=2'],
      nodeBin: node.bin,
    },
    async (app) => {
      const retained = async () => {
        const res = await fetch(`${app.url}/api/gc`);
        if (!(await res.json()).collected)
          throw new Error('the bench app was started without --expose-gc');
        return app.memory().rss;
      };
      const requests = quick ? 10_000 : 100_000;
      await load(app.url, {
        amount: 2_000,
        connections: 10,
        distinctPaths: true,
      });
      const rssBefore = await retained();
      await load(app.url, {
        amount: requests,
        connections: 10,
        distinctPaths: true,
      });
      const rssAfter = await retained();
      return { requests, rssBefore, rssAfter };
    },
  );
}

if (argv.includes('--only-spans')) {
  // Just the span micro-benchmark's row, on the chosen Node; no results file.
  process.stdout.write(
    `Node ${node.version}\n\n| variant | Express target | Express | verdict | Fastify target | Fastify | verdict |\n|---|---|---|---|---|---|---|\n${spanRow(await spanPipeline(node.bin))}\n`,
  );
  process.exit(0);
}
process.stdout.write(`Apps run on Node ${node.version} (${node.bin})\n`);
const sink = await startSink();
const pairs = [];
try {
  for (const adapter of adapters) {
    for (const variant of variants) {
      for (let r = 0; r < repeats; r++) {
        // Alternate which goes first so drift in the machine cancels out.
        const order = r % 2 === 0 ? ['bare', variant] : [variant, 'bare'];
        const runs = {};
        for (const v of order) {
          runs[v] = await measure(v, adapter, sink);
          progress(`${adapter} ${v} ${runs[v].rps.toFixed(0)} req/s`);
        }
        pairs.push({
          adapter,
          variant,
          bareRun: runs.bare,
          variantRun: runs[variant],
        });
      }
    }
  }
  process.stdout.write('\r'.padEnd(90) + '\r');
  const scrape = {
    scrapes: await scrapeCost(sink),
    ...(await pathMemory(sink)),
  };
  const spans = withSpans
    ? await spanPipeline(node.bin)
    : { missing: 'not measured (quick mode; add --spans)' };
  const { markdown } = summarize(pairs, scrape, spans, {
    quick,
    seconds,
    repeats,
    warmup,
    node,
    loadStart,
    versions: packageVersions(),
    command: ['npm run bench', ...(argv.length ? ['--', ...argv] : [])].join(
      ' ',
    ),
  });
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  // Node 24 is the supported runtime the README's table comes from; others get their own file.
  const runtime = node.major === 24 ? '' : `-node${node.major}`;
  const partial = argv.includes('--variants') || argv.includes('--adapters');
  const file = join(
    dir,
    `${quick || partial ? 'quick' : 'latest'}${runtime}.md`,
  );
  writeFileSync(file, markdown);
  process.stdout.write(
    `${markdown}\nWritten to ${file} in ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
  );
} finally {
  await sink.close();
}
