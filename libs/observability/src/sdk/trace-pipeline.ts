import { createRequire } from 'node:module';
import type { TextMapPropagator } from '@opentelemetry/api';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { OTLPTraceExporter as OTLPJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ConsoleSpanExporter,
  ParentBasedSampler,
  type ReadableSpan,
  type Sampler,
  type SpanExporter,
  type SpanProcessor,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace';
import { messages } from '../core/messages';
import { ObservabilityConfigError } from '../core/observability-config.error';
import { createCountingBatchSpanProcessor } from './counting-batch-span-processor';
import type { DiagnosticReporter, TelemetryStats } from './diagnostics';
import { JaegerExtractPropagator } from './jaeger-extract.propagator';
import { MonitoredSpanExporter } from './monitored-span-exporter';
import { OtlpProtoSpanExporter } from './otlp/otlp-proto-span-exporter';
import type { PropagatorName } from './propagator-options';
import type { ResolvedTraceOptions } from './trace-options';

/** ParentBased(TraceIdRatio), or the ratio alone when the sampler asked for no parent. */
export function createSampler(options: ResolvedTraceOptions): Sampler {
  const { parentBased, ratio } = options.sampler;
  const root =
    ratio >= 1
      ? new AlwaysOnSampler()
      : ratio <= 0
        ? new AlwaysOffSampler()
        : new TraceIdRatioBasedSampler(ratio);
  return parentBased ? new ParentBasedSampler({ root }) : root;
}

/**
 * The propagators `OTEL_PROPAGATORS` chose (by default all three): W3C trace context and
 * baggage in and out; Jaeger's `uber-trace-id` accepted on the way in (from services
 * still on Jaeger clients) but never sent. W3C wins when both arrive.
 */
export function createPropagator(
  names: readonly PropagatorName[],
): TextMapPropagator {
  return new CompositePropagator({
    propagators: names.map((name) => PROPAGATORS[name]()),
  });
}

const PROPAGATORS: Record<PropagatorName, () => TextMapPropagator> = {
  jaeger: () => new JaegerExtractPropagator(),
  tracecontext: () => new W3CTraceContextPropagator(),
  baggage: () => new W3CBaggagePropagator(),
};

/** The span processors for the chosen exporter; none when tracing is off. */
export function createSpanProcessors(
  options: ResolvedTraceOptions,
  stats: TelemetryStats,
  reporter: DiagnosticReporter,
): SpanProcessor[] {
  if (options.exporter === 'none') return [];
  const [exporter, destination] = createExporter(options);
  const monitored = new MonitoredSpanExporter(
    exporter,
    destination,
    stats,
    reporter,
  );
  // Explicit bounds (OTEL_BSP_* or ours): at most maxQueueSize spans (2,048 unless set)
  // wait in memory; beyond that they are dropped and counted.
  // The OTLP proto exporter's spans are encoded as they end (see EncodedSpan).
  const encodeOnEnd =
    exporter instanceof OtlpProtoSpanExporter
      ? (span: ReadableSpan) =>
          exporter.encoder.encodeEnded(span) as unknown as ReadableSpan
      : undefined;
  return [
    createCountingBatchSpanProcessor(
      { exporter: monitored, ...options.batch, encodeOnEnd },
      stats,
      reporter,
    ),
  ];
}

function createExporter(options: ResolvedTraceOptions): [SpanExporter, string] {
  switch (options.exporter) {
    case 'console':
      return [new ConsoleSpanExporter(), 'the console'];
    case 'jaeger': {
      const { endpoint, agentHost, agentPort } = options.jaeger;
      const { JaegerExporter } = loadJaegerExporter();
      return agentHost !== undefined
        ? [
            new JaegerExporter({ host: agentHost, port: agentPort }),
            `the Jaeger agent at ${agentHost}:${agentPort}`,
          ]
        : [new JaegerExporter({ endpoint }), endpoint];
    }
    default: {
      const Exporter =
        options.protocol === 'http/json'
          ? OTLPJsonTraceExporter
          : OtlpProtoSpanExporter;
      return [
        // At most two exports in flight (the default is 30 batches of spans held while a
        // collector hangs); beyond that an export fails at once and its spans are counted.
        new Exporter({
          url: options.endpoint,
          headers: options.headers,
          timeoutMillis: options.timeoutMillis,
          concurrencyLimit: 2,
        }),
        options.endpoint,
      ];
    }
  }
}

interface JaegerModule {
  JaegerExporter: new (config: {
    endpoint?: string;
    host?: string;
    port?: number;
  }) => SpanExporter;
}

// An optional peer: loaded only when chosen, so apps without it never load thrift.
function loadJaegerExporter(): JaegerModule {
  const require = createRequire(`${process.cwd()}/`);
  try {
    return require('@opentelemetry/exporter-jaeger') as JaegerModule;
  } catch {
    try {
      return createRequire(__filename)(
        '@opentelemetry/exporter-jaeger',
      ) as JaegerModule;
    } catch {
      throw new ObservabilityConfigError('Observability SDK', [
        { path: 'traces.exporter', message: messages.jaegerExporterMissing() },
      ]);
    }
  }
}
