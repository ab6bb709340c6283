import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, type MetricReader } from '@opentelemetry/sdk-metrics';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { MetricTallies } from '../core/metric-tallies';
import { DiagnosticReporter } from '../sdk/diagnostics';
import { createMetricPipeline } from '../sdk/metric-pipeline';
import { RecordHub } from '../sdk/record-hub';
import {
  getRunningSdk,
  setRunningSdk,
  type CacheRecord,
  type QueryRecord,
  type RunningSdk,
} from '../sdk/running-sdk';
import { resolveSdkOptions } from '../sdk/sdk-options';
import { createPropagator, createSampler } from '../sdk/trace-pipeline';
import { LogLines } from './log-lines';

/** Options of the in-memory SDK a test process runs. */
export interface TestingSdkOptions {
  /**
   * `service.name` of the recorded spans.
   * @default 'test'
   */
  serviceName?: string;
}

/** The in-memory SDK: what production's SDK records, kept in the test process. */
export interface TestingSdk {
  /** What `ObservabilityModule` attaches to, as it attaches to the preload's SDK. */
  readonly running: RunningSdk;
  /** The pull reader `/metrics` serves from; the kit reads the same collection. */
  readonly reader: MetricReader;
  /** Every finished span. */
  readonly spans: InMemorySpanExporter;
  /** The main log stream's lines. */
  readonly logs: LogLines;
}

const TESTING_SDK = Symbol.for('@prs/nestjs-observability:testing-sdk');

type GlobalWithTestingSdk = typeof globalThis & {
  [TESTING_SDK]?: TestingSdk;
};

/**
 * Starts the in-memory SDK for this test process, or returns the one already started
 * (by the Jest setup file or an earlier module). The same pieces as production:
 * the tallies and the Prometheus reader of the metric pipeline, a tracer provider
 * with production's sampler and propagators, and the SDK record hubs the pg and
 * ioredis instrumentations feed; only the exporters are in memory. Jest gives every
 * test file its own globals, so every file starts its own.
 *
 * @throws Error when a real SDK (the preload) already runs in this process.
 */
export function startTestingSdk(options: TestingSdkOptions = {}): TestingSdk {
  const global = globalThis as GlobalWithTestingSdk;
  const existing = global[TESTING_SDK];
  if (existing) return existing;
  if (getRunningSdk() !== undefined)
    throw new Error(
      '@prs/nestjs-observability/testing: a real observability SDK already runs in this process (the preload or startObservability()); the testing kit replaces it, so leave the preload out of test runs',
    );

  // Production's defaults, without the test process's OTEL_* variables; exporters in memory.
  const resolved = resolveSdkOptions(
    {
      serviceName: options.serviceName ?? 'test',
      traces: { exporter: 'console' },
      metrics: { exporters: ['prometheus'] },
      instrumentations: { express: false },
      crashFlushTimeoutMs: 0,
    },
    {},
  );
  const stats = {
    spansDropped: 0,
    spanExportFailures: 0,
    activeUsersWriteFailures: 0,
    spansExported: 0,
    metricExportFailures: 0,
  };
  const reporter = new DiagnosticReporter();
  const tallies = new MetricTallies({ exemplars: true });
  const pipeline = createMetricPipeline(
    resolved.metrics,
    tallies,
    stats,
    reporter,
  );
  const reader = pipeline.pull as MetricReader;
  const spans = new InMemorySpanExporter();
  const logs = new LogLines();

  context.setGlobalContextManager(
    new AsyncLocalStorageContextManager().enable(),
  );
  propagation.setGlobalPropagator(
    createPropagator(resolved.traces.propagators),
  );
  trace.setGlobalTracerProvider(
    new TracerProvider({
      resource: resourceFromAttributes({
        [ATTR_SERVICE_NAME]: resolved.serviceName,
      }),
      sampler: createSampler(resolved.traces),
      spanProcessors: [new SimpleSpanProcessor({ exporter: spans })],
    }),
  );
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));

  const running: RunningSdk = {
    options: resolved,
    stats,
    reporter,
    queries: new RecordHub<QueryRecord>(),
    cacheCommands: new RecordHub<CacheRecord>(),
    tallies,
    metricReader: reader,
    metricsEnabled: true,
    stdout: logs,
    // `app.close()` shuts the attached SDK down; the next app of the same file reuses it.
    shutdown: () => Promise.resolve(),
  };
  setRunningSdk(running);
  const started: TestingSdk = { running, reader, spans, logs };
  global[TESTING_SDK] = started;
  return started;
}

/**
 * Forgets the in-memory SDK and resets the OpenTelemetry globals, so the next
 * {@link startTestingSdk} starts a fresh one: for the library's own specs that need a
 * new meter per test (observable gauges keep their callbacks for the meter's life).
 */
export function stopTestingSdk(): void {
  const global = globalThis as GlobalWithTestingSdk;
  if (global[TESTING_SDK] === undefined) return;
  global[TESTING_SDK] = undefined;
  setRunningSdk(undefined);
  trace.disable();
  metrics.disable();
  context.disable();
  propagation.disable();
}
