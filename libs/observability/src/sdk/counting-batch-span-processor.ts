import {
  type Attributes,
  type Counter,
  createNoopMeter,
  type Meter,
  type MeterProvider,
  type MetricOptions,
} from '@opentelemetry/api';
import {
  BatchSpanProcessor,
  type BatchSpanProcessorOptions,
} from '@opentelemetry/sdk-trace';
import type { DiagnosticReporter, TelemetryStats } from './diagnostics';

/** The SDK self-metric a span processor records finished and dropped spans on (semconv). */
export const SPAN_PROCESSED_METRIC = 'otel.sdk.processor.span.processed';
/** Its `error.type` when a span was dropped because the export queue was full. */
export const QUEUE_FULL = 'queue_full';

/**
 * A BatchSpanProcessor that counts the spans it drops when its queue is full (the SDK
 * only logs them at debug level), so the loss shows on `/metrics`. It listens on the
 * processor's own self-observability meter (`selfObsMeterProvider`, public and marked
 * experimental in OpenTelemetry JS 3.x) for `otel.sdk.processor.span.processed` with
 * `error.type=queue_full`; every other self-metric goes to a no-op meter.
 */
export function createCountingBatchSpanProcessor(
  options: Omit<BatchSpanProcessorOptions, 'selfObsMeterProvider'>,
  stats: TelemetryStats,
  reporter: DiagnosticReporter,
): BatchSpanProcessor {
  return new BatchSpanProcessor({
    ...options,
    selfObsMeterProvider: queueFullListener(stats, reporter),
  });
}

function queueFullListener(
  stats: TelemetryStats,
  reporter: DiagnosticReporter,
): MeterProvider {
  const noop = createNoopMeter();
  const dropped: Counter = {
    add(value: number, attributes?: Attributes): void {
      if (attributes?.['error.type'] !== QUEUE_FULL) return;
      stats.spansDropped += value;
      reporter.warn(
        'trace-queue-full',
        'The span export queue is full (the exporter is down or too slow); new spans are dropped',
      );
    },
  };
  const meter: Meter = Object.create(noop) as Meter;
  meter.createCounter = (name: string, options?: MetricOptions) =>
    name === SPAN_PROCESSED_METRIC
      ? dropped
      : noop.createCounter(name, options);
  return { getMeter: () => meter };
}
