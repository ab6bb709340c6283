#!/usr/bin/env node
// node_modules/.bin/node bench/spans.mjs [--json] [--rounds N] [--requests N]
// CPU µs per span from `startSpan` to the bytes handed to the transport: ours (the span
// processors startObservability() builds, built from libs/observability/dist) against
// OpenTelemetry's SDK (BasicTracerProvider + BatchSpanProcessor + OTLPTraceExporter proto).
// Both trace the same request shape: a server span with the usual http.* attributes and a
// child handler span entered with startActiveSpan, through the same AsyncLocalStorage
// context manager. Only the HTTP send is stubbed (OTLP's sendWithHttp, below everything
// else): encoding, batching, the exporters' queues and retries all run. CPU time is
// process.cpuUsage() (user + system) over a round; the median of the rounds is reported.
// Needs `npm run build:lib` first. `--baseline <dist>` adds another build of the library
// (e.g. main's libs/observability/dist) as a third row, measured in the same process.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..');
const require = createRequire(join(ROOT, 'package.json'));
const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const at = args.indexOf(name);
  return at === -1 ? fallback : Number(args[at + 1]);
};
const JSON_OUT = args.includes('--json');
const ROUNDS = flag('--rounds', 7);
const REQUESTS = flag('--requests', 20_000); // per round; two spans each

const api = require('@opentelemetry/api');
const {
  AsyncLocalStorageContextManager,
} = require('@opentelemetry/context-async-hooks');
const sdkTrace = require('@opentelemetry/sdk-trace');
// BasicTracerProvider until OpenTelemetry JS 3.0, TracerProvider since.
const TracerProvider = sdkTrace.TracerProvider ?? sdkTrace.BasicTracerProvider;
const { resourceFromAttributes } = require('@opentelemetry/resources');
const {
  OTLPTraceExporter,
} = require('@opentelemetry/exporter-trace-otlp-proto');

// The lowest layer of the OTLP/HTTP exporters: the function that writes the body to
// http.request. Both pipelines reach it through the same transport and retry wrapper.
const httpUtils = require(
  join(
    require.resolve('@opentelemetry/otlp-exporter-base'),
    '..',
    'platform/node/transport/http-transport-utils.cjs',
  ),
);
const sent = { bytes: 0, requests: 0 };
httpUtils.sendWithHttp = (
  _request,
  _url,
  _headers,
  _compression,
  _ua,
  _agent,
  data,
) => {
  sent.bytes += data.length;
  sent.requests++;
  return Promise.resolve({ status: 'success' });
};

// Our pipeline from a built library: this checkout's, and with `--baseline <dist dir>`
// another build's too (e.g. main's), measured in the same process for an A/B.
function library(dist) {
  const load = (file) => require(join(dist, 'sdk', file));
  return {
    ...load('trace-pipeline.js'),
    ...load('trace-options.js'),
    ...load('diagnostics.js'),
  };
}
const LIBRARIES = {
  ours: library(join(ROOT, 'libs/observability/dist')),
};
if (args.includes('--baseline'))
  LIBRARIES.baseline = library(args[args.indexOf('--baseline') + 1]);

const URL = 'http://127.0.0.1:4318/v1/traces';
const resource = resourceFromAttributes({
  'service.name': 'bench-spans',
  'service.version': '1.0.0',
  'deployment.environment.name': 'bench',
  'host.name': 'bench-host',
  'host.arch': 'amd64',
});

function oursProvider(ours) {
  const { resolveTraceOptions, DiagnosticReporter } = ours;
  const problems = [];
  const options = resolveTraceOptions({ endpoint: URL }, {}, problems);
  if (problems.length) throw new Error(JSON.stringify(problems));
  const stats = {
    spansDropped: 0,
    spanExportFailures: 0,
    activeUsersWriteFailures: 0,
    spansExported: 0,
    metricExportFailures: 0,
  };
  return {
    stats,
    provider: new TracerProvider({
      resource,
      sampler: ours.createSampler(options),
      spanProcessors: ours.createSpanProcessors(
        options,
        stats,
        new DiagnosticReporter(),
      ),
    }),
  };
}

function otelProvider() {
  return {
    stats: undefined,
    provider: new TracerProvider({
      resource,
      sampler: new sdkTrace.ParentBasedSampler({
        root: new sdkTrace.AlwaysOnSampler(),
      }),
      spanProcessors: [
        new sdkTrace.BatchSpanProcessor({
          exporter: new OTLPTraceExporter({ url: URL }),
        }),
      ],
    }),
  };
}

// What our ServerSpans and handler wrapper put on a request's two spans.
const serverAttributes = () => ({
  'http.request.method': 'GET',
  'url.scheme': 'http',
  'url.path': '/api/deals/42',
  'network.protocol.version': '1.1',
  'server.address': 'localhost',
  'server.port': 3000,
  'network.peer.address': '127.0.0.1',
  'user_agent.original': 'autocannon/8.0.0',
});
const handlerAttributes = { 'code.function.name': 'DealsController.findOne' };

function request(tracer) {
  const server = tracer.startSpan(
    'GET',
    { kind: api.SpanKind.SERVER, attributes: serverAttributes() },
    api.ROOT_CONTEXT,
  );
  api.context.with(api.trace.setSpan(api.ROOT_CONTEXT, server), () =>
    tracer.startActiveSpan(
      'DealsController.findOne',
      { attributes: handlerAttributes },
      (span) => span.end(),
    ),
  );
  server.setAttribute('http.route', '/api/deals/:id');
  server.updateName('GET /api/deals/:id');
  server.setAttribute('http.response.status_code', 200);
  server.end();
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

async function round(tracer, provider, requests) {
  await provider.forceFlush();
  const before = process.cpuUsage();
  for (let i = 0; i < requests; i++) {
    request(tracer);
    // Let scheduled exports run as they would between requests (every 512 spans).
    if ((i & 255) === 255) await tick();
  }
  await provider.forceFlush();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / (requests * 2);
}

// Every pipeline is built up front and the rounds alternate between them (which goes
// first alternates too), so none always runs on a colder process or a busier minute.
// `--only ours` (or otel, baseline) measures one, e.g. under --cpu-prof.
const only = args.includes('--only')
  ? args[args.indexOf('--only') + 1]
  : undefined;
api.context.setGlobalContextManager(
  new AsyncLocalStorageContextManager().enable(),
);
const pipelines = [...Object.keys(LIBRARIES), 'otel']
  .filter((name) => only === undefined || name === only)
  .map((name) => {
    const { provider, stats } =
      name === 'otel' ? otelProvider() : oursProvider(LIBRARIES[name]);
    return {
      name,
      provider,
      stats,
      tracer: provider.getTracer('bench-spans', '1.0.0'),
      rounds: [],
      bytes: 0,
    };
  });
for (let r = -2; r < ROUNDS; r++) {
  const order = r % 2 ? pipelines : [...pipelines].reverse();
  for (const pipeline of order) {
    const bytesBefore = sent.bytes;
    const us = await round(pipeline.tracer, pipeline.provider, REQUESTS);
    pipeline.bytes += sent.bytes - bytesBefore;
    if (r >= 0) pipeline.rounds.push(us); // two warm-up rounds left out
  }
}
const result = {};
for (const { name, provider, stats, rounds, bytes } of pipelines) {
  await provider.shutdown();
  const spans = (ROUNDS + 2) * REQUESTS * 2;
  if (
    stats !== undefined &&
    (stats.spansDropped || stats.spansExported !== spans)
  )
    throw new Error(
      `${name}: ${stats.spansExported} of ${spans} spans exported, ${stats.spansDropped} dropped`,
    );
  const sorted = [...rounds].sort((x, y) => x - y);
  result[name] = {
    usPerSpan: Number(sorted[sorted.length >> 1].toFixed(2)),
    rounds: rounds.map((x) => Number(x.toFixed(2))),
    bytesPerSpan: Number((bytes / spans).toFixed(1)),
  };
}
api.context.disable();

if (JSON_OUT) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  const line = (name, r) =>
    `${name.padEnd(26)} ${String(r.usPerSpan).padStart(6)} µs/span  ${String(r.bytesPerSpan).padStart(6)} B/span  rounds ${r.rounds.join(' ')}`;
  process.stdout.write(
    `Span pipeline, CPU per span from startSpan to the bytes handed to the transport\n` +
      `(Node ${process.versions.node}, ${ROUNDS} rounds of ${REQUESTS} requests x 2 spans, median; load ${(
        await import('node:os')
      )
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')})\n` +
      (result.ours ? `${line('ours', result.ours)}\n` : '') +
      (result.baseline ? `${line('baseline', result.baseline)}\n` : '') +
      (result.otel
        ? `${line('OpenTelemetry SDK (proto)', result.otel)}\n`
        : ''),
  );
}
