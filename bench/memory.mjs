#!/usr/bin/env node
// node bench/memory.mjs [--runs N] [--adapter express|fastify] [--variants bare,metrics,traces,full]
//   [--flags="--max-semi-space-size=4 ..."]
// Where peak RSS under the bench load goes: each variant runs like one bench run (1 s warm-up,
// 4 s of autocannon with 10 connections) with bench/memory-sampler.mjs preloaded, and prints
// the peak RSS (the kernel's VmHWM), the peaks of V8's heap spaces and of Node's buffers, GC
// counts, and req/s. Needs `npm run build:lib && npm run build:fixtures` first.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, withApp } from './lib/app-process.mjs';
import { load } from './lib/load.mjs';
import { startSink } from './lib/otlp-sink.mjs';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    adapter: { type: 'string', default: 'fastify' },
    variants: { type: 'string', default: 'bare,metrics,traces,full' },
    flags: { type: 'string', default: '' },
    seconds: { type: 'string', default: '4' },
  },
});
const flags = values.flags.split(' ').filter(Boolean);
const sampler = join(ROOT, 'bench', 'memory-sampler.mjs');
const MB = 1024 * 1024;
const sink = await startSink();
const rows = [];
try {
  for (let run = 0; run < Number(values.runs); run++) {
    for (const variant of values.variants.split(',')) {
      const options = {
        variant,
        adapter: values.adapter,
        sinkUrl: sink.url,
        nodeArgs: [...flags, '--import', sampler],
      };
      rows.push(
        await withApp(options, async (app) => {
          await load(app.url, { duration: 1, connections: 10 });
          const result = await load(app.url, {
            duration: Number(values.seconds),
            connections: 10,
          });
          await new Promise((r) => setTimeout(r, 1_500));
          const file = `/tmp/bench-memory-${app.pid}.json`;
          const { peak, gc } = existsSync(file)
            ? JSON.parse(readFileSync(file, 'utf8'))
            : { peak: {}, gc: {} };
          rmSync(file, { force: true });
          return { variant, rps: result.rps, hwm: app.memory().peak, peak, gc };
        }),
      );
      const r = rows.at(-1);
      const mb = (v) => ((v ?? 0) / MB).toFixed(1).padStart(6);
      process.stdout.write(
        `${values.adapter} ${r.variant.padEnd(7)} run ${run + 1}: ` +
          `peak RSS ${mb(r.hwm)} | heapTotal ${mb(r.peak.heapTotal)} heapUsed ${mb(r.peak.heapUsed)} ` +
          `new ${mb(r.peak['new_space.size'])} old ${mb(r.peak['old_space.size'])} ` +
          `code ${mb(r.peak['code_space.size'])} lo ${mb(r.peak['large_object_space.size'])} ` +
          `external ${mb(r.peak.external)} arrayBuffers ${mb(r.peak.arrayBuffers)} | ` +
          `gc minor ${r.gc.minor?.count ?? 0} (${(r.gc.minor?.ms ?? 0).toFixed(0)} ms) ` +
          `major ${r.gc.major?.count ?? 0} | ${r.rps.toFixed(0)} req/s\n`,
      );
    }
  }
} finally {
  await sink.close();
}
