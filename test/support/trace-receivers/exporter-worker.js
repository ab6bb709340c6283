'use strict';
/**
 * Runs a REAL OpenTelemetry exporter inside a worker thread (same process, plain Node module
 * loading). Jest's VM sandbox cannot run the OTLP/HTTP exporters: their transport loads `http`
 * with a dynamic `import()`, which throws ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING_FLAG unless
 * Node runs with --experimental-vm-modules. Driven by exporter-thread.ts; plain JS on purpose
 * so that no transpiler sits between the test and the exporter.
 *
 * workerData: { spec: ExporterSpec, resource: Record<string, string> }
 * messages:   { id, op: 'tree' | 'export' | 'shutdown', name? } → { id, ok, value | error }
 */
const { parentPort, workerData } = require('node:worker_threads');
const {
  context,
  trace,
  SpanKind,
  SpanStatusCode,
} = require('@opentelemetry/api');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const {
  TracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} = require('@opentelemetry/sdk-trace');

function createExporter(spec) {
  const { kind, ...config } = spec;
  if (kind === 'otlp-proto') {
    const {
      OTLPTraceExporter,
    } = require('@opentelemetry/exporter-trace-otlp-proto');
    return new OTLPTraceExporter(config);
  }
  if (kind === 'otlp-json') {
    const {
      OTLPTraceExporter,
    } = require('@opentelemetry/exporter-trace-otlp-http');
    return new OTLPTraceExporter(config);
  }
  const { JaegerExporter } = require('@opentelemetry/exporter-jaeger');
  return new JaegerExporter(config);
}

/** A plain, cloneable view of a ReadableSpan: the expected values. */
const sentSpan = (s) => ({
  traceId: s.spanContext().traceId,
  spanId: s.spanContext().spanId,
  parentSpanId: s.parentSpanContext?.spanId,
  name: s.name,
  kind: s.kind,
  attributes: s.attributes,
  status: s.status,
  events: s.events.map((e) => ({
    name: e.name,
    attributes: e.attributes ?? {},
  })),
  startTime: s.startTime,
  endTime: s.endTime,
  duration: s.duration,
  resource: s.resource.attributes,
});

/** server span → internal child (event, ok) → client grandchild (error), all attribute types. */
function buildTree(tracer, tree) {
  const root = tracer.startSpan(tree.root.name, {
    kind: SpanKind.SERVER,
    attributes: tree.root.attributes,
  });
  const childCtx = trace.setSpan(context.active(), root);
  const child = tracer.startSpan(
    tree.child.name,
    { kind: SpanKind.INTERNAL, attributes: tree.child.attributes },
    childCtx,
  );
  child.addEvent(tree.child.event.name, tree.child.event.attributes);
  const dbCtx = trace.setSpan(context.active(), child);
  const db = tracer.startSpan(
    tree.client.name,
    { kind: SpanKind.CLIENT, attributes: tree.client.attributes },
    dbCtx,
  );
  db.setStatus({ code: SpanStatusCode.ERROR, message: tree.client.error });
  db.end();
  child.setStatus({ code: SpanStatusCode.OK });
  child.end();
  root.end();
}

const exporter = createExporter(workerData.spec);

async function run(message) {
  if (message.op === 'tree') {
    // A private provider (never registered globally) exporting through the real exporter and,
    // in parallel, into memory for the expected values. shutdown() also shuts the exporter down.
    const memory = new InMemorySpanExporter();
    const provider = new TracerProvider({
      resource: resourceFromAttributes(workerData.resource),
      spanProcessors: [
        new SimpleSpanProcessor({ exporter: exporter }),
        new SimpleSpanProcessor({ exporter: memory }),
      ],
    });
    buildTree(
      provider.getTracer('deals-instrumentation', '1.0.0'),
      message.tree,
    );
    const started = Date.now();
    await provider.forceFlush();
    const sent = memory.getFinishedSpans().map(sentSpan); // shutdown() clears them
    await provider.shutdown();
    return {
      sent,
      shutdownMs: Date.now() - started,
    };
  }
  if (message.op === 'export') {
    const memory = new InMemorySpanExporter();
    const provider = new TracerProvider({
      spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
    });
    provider.getTracer('probe').startSpan(message.name).end();
    await provider.forceFlush();
    const started = Date.now();
    const result = await new Promise((resolve) =>
      exporter.export(memory.getFinishedSpans(), resolve),
    );
    return {
      code: result.code === 0 ? 'SUCCESS' : 'FAILED',
      error: result.error?.message,
      ms: Date.now() - started,
    };
  }
  const started = Date.now();
  await exporter.shutdown();
  return { ms: Date.now() - started };
}

parentPort.on('message', (message) => {
  run(message).then(
    (value) => parentPort.postMessage({ id: message.id, ok: true, value }),
    (error) =>
      parentPort.postMessage({
        id: message.id,
        ok: false,
        error: String(error?.stack ?? error),
      }),
  );
});
