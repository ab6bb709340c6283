// Preloaded into a bench app by bench/heap.mjs (`--import`). When /tmp/bench-heap-<pid>.start
// appears (its content: `{ samplingInterval, live }`) it starts V8's sampling heap profiler,
// counting objects the young and the old generation's collections freed too (short-lived
// garbage is most of a request's allocation) unless `live` asks for the objects still alive
// at the stop, and GCs by kind; when .stop appears it writes
// the profile and the GC figures to /tmp/bench-heap-<pid>.json. A file, not a signal: Nest's
// shutdown hooks take SIGUSR2 and the inspector SIGUSR1.
import {
  existsSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { Session } from 'node:inspector/promises';
import { PerformanceObserver, constants } from 'node:perf_hooks';

const base = `/tmp/bench-heap-${process.pid}`;
const kinds = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};
let gc;
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const g = (gc[kinds[entry.detail?.kind] ?? 'other'] ??= {
      count: 0,
      ms: 0,
    });
    g.count++;
    g.ms += entry.duration;
  }
});

const session = new Session();
let state = 'idle';
const poll = setInterval(async () => {
  if (state === 'idle' && existsSync(`${base}.start`)) {
    state = 'starting';
    const { samplingInterval, live } = JSON.parse(
      readFileSync(`${base}.start`, 'utf8'),
    );
    session.connect();
    await session.post('HeapProfiler.enable');
    await session.post('HeapProfiler.startSampling', {
      samplingInterval,
      includeObjectsCollectedByMajorGC: !live,
      includeObjectsCollectedByMinorGC: !live,
    });
    gc = {};
    observer.observe({ entryTypes: ['gc'] });
    rmSync(`${base}.start`, { force: true }); // tells bench/heap.mjs it runs
    state = 'sampling';
  } else if (state === 'sampling' && existsSync(`${base}.stop`)) {
    state = 'done';
    const { profile } = await session.post('HeapProfiler.stopSampling');
    observer.disconnect();
    session.disconnect();
    writeFileSync(`${base}.tmp`, JSON.stringify({ profile, gc }));
    renameSync(`${base}.tmp`, `${base}.json`);
    rmSync(`${base}.stop`, { force: true });
    clearInterval(poll);
  }
}, 20).unref();
