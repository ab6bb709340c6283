#!/usr/bin/env node
// node bench/request-line.mjs [iterations]: CPU µs to write one request line (the JSON line the
// request log writes for every request), in this process, into /dev/null through the SDK's own
// pipeline (redaction, serialization, sink). Needs `npm run build:lib` first. Run with stdout
// to /dev/null: `node bench/request-line.mjs > /dev/null`; results go to stderr.
import { join } from 'node:path';
import { ROOT } from './lib/app-process.mjs';

// LIB_DIST=<another build's dist> compares two builds.
const dist = join(
  process.env.LIB_DIST ?? join(ROOT, 'libs', 'observability', 'dist'),
  'logging',
);
const { LogPipeline } = await import(join(dist, 'log-pipeline.js'));
const { RequestLog } = await import(join(dist, 'request-log.js'));
const { DEFAULT_LOGGING_OPTIONS, defaultUserId } = await import(
  join(dist, 'logging-defaults.js')
);

const iterations = Number(process.argv[2] ?? 200_000);
const pipeline = new LogPipeline(
  { ...DEFAULT_LOGGING_OPTIONS, files: {}, redact: [] },
  () => undefined,
);
const log = { warn: (...args) => console.error(...args) };
const requestLog = new RequestLog(pipeline, defaultUserId, log);
const store = (i) => ({
  correlationId: `c0ffee00-0000-4000-8000-${String(i % 1e6).padStart(12, '0')}`,
  outboundHeader: 'x-correlation-id',
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  req: {
    url: i % 4 === 0 ? `/api/items/${i}?page=2&sort=name` : `/api/items/${i}`,
    method: 'GET',
    headers: { 'user-agent': 'autocannon/8.0.0', host: '127.0.0.1' },
  },
  res: { writableFinished: true, statusCode: 200 },
  start: performance.now() - 1.234,
  remoteAddress: '127.0.0.1',
  user: undefined,
  handler: { controller: 'ItemsController', method: 'findOne' },
});
const stores = Array.from({ length: 1024 }, (_, i) => store(i));

async function round(n) {
  const cpu = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    requestLog.write(stores[i & 1023], '/api/items/:id');
    // the sink writes once per event-loop turn; let it, as a server would
    if ((i & 63) === 63) await new Promise((r) => setImmediate(r));
  }
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / n;
}

await round(20_000); // warm-up: JIT
const results = [];
for (let r = 0; r < 5; r++) results.push(await round(iterations / 5));
results.sort((a, b) => a - b);
process.stderr.write(
  `request line: ${results[2].toFixed(2)} µs CPU each (median of 5 rounds; ` +
    `min ${results[0].toFixed(2)}, max ${results[4].toFixed(2)}), ` +
    `${iterations} lines\n`,
);
