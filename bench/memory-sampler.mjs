// Preloaded into a bench app by bench/memory.mjs (`--import`): samples the process's memory
// every 50 ms and keeps the peak of each part, plus GC counts and time by kind, in a JSON file
// named /tmp/bench-memory-<pid>.json (rewritten every 250 ms, so a
// signal that ends the process loses nothing but the last quarter second).
import { renameSync, writeFileSync } from 'node:fs';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';

const file = `/tmp/bench-memory-${process.pid}.json`;
const peak = {};
const gc = {};
const kinds = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};
const max = (key, value) => {
  if (!(value <= peak[key])) peak[key] = value;
};

new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = kinds[entry.detail?.kind] ?? 'other';
    const g = (gc[kind] ??= { count: 0, ms: 0 });
    g.count++;
    g.ms += entry.duration;
  }
}).observe({ entryTypes: ['gc'] });

let ticks = 0;
setInterval(() => {
  const usage = process.memoryUsage();
  for (const key of Object.keys(usage)) max(key, usage[key]);
  for (const space of getHeapSpaceStatistics()) {
    max(`${space.space_name}.size`, space.space_size);
    max(`${space.space_name}.used`, space.space_used_size);
  }
  if (++ticks % 5 === 0) {
    // whole files only: the bench reads it while the app runs
    writeFileSync(`${file}.tmp`, JSON.stringify({ peak, gc }));
    renameSync(`${file}.tmp`, file);
  }
}, 50).unref();
