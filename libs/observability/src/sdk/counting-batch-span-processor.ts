import {
  type Attributes,
  type Counter,
  createNoopMeter,
  type Meter,
  type MeterProvider,
  type MetricOptions,
  TraceFlags,
} from '@opentelemetry/api';
import {
  BatchSpanProcessor,
  type BatchSpanProcessorOptions,
  type ReadableSpan,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import type { DiagnosticReporter, TelemetryStats } from './diagnostics';
import { SerialSpanExporter } from './serial-span-exporter';
import { shutdownDeadline } from './shutdown-deadline';

/** The SDK self-metric a span processor records finished and dropped spans on (semconv). */
export const SPAN_PROCESSED_METRIC = 'otel.sdk.processor.span.processed';
/** Its `error.type` when a span was dropped because the export queue was full. */
export const QUEUE_FULL = 'queue_full';
/** How long the final flush may take when the shutdown set no deadline. */
export const DEFAULT_FINAL_FLUSH_MS = 5_000;

/**
 * A BatchSpanProcessor that counts the spans it drops when its queue is full (the SDK
 * only logs them at debug level), so the loss shows on `/metrics`. It listens on the
 * processor's own self-observability meter (`selfObsMeterProvider`, public and marked
 * experimental in OpenTelemetry JS 3.x) for `otel.sdk.processor.span.processed` with
 * `error.type=queue_full`; every other self-metric goes to a no-op meter.
 *
 * Exports run one at a time ({@link SerialSpanExporter}), so the final flush waits for
 * the export in flight instead of being refused, and gives up at the shutdown's deadline;
 * then it reports in one line how many spans it sent and how many were lost.
 */
export function createCountingBatchSpanProcessor(
  options: CountingBatchSpanProcessorOptions,
  stats: TelemetryStats,
  reporter: DiagnosticReporter,
): SpanProcessor {
  return new CountingBatchSpanProcessor(options, stats, reporter);
}

/** The batch processor's options, plus what to queue in place of an ended span. */
export interface CountingBatchSpanProcessorOptions extends Omit<
  BatchSpanProcessorOptions,
  'selfObsMeterProvider'
> {
  /**
   * Turns a sampled span that ended into what the queue holds and the exporter receives
   * (the OTLP proto exporter's span already encoded). Without it, the span itself.
   */
  encodeOnEnd?: (span: ReadableSpan) => ReadableSpan;
}

class CountingBatchSpanProcessor extends BatchSpanProcessor {
  private readonly serial: SerialSpanExporter;
  private readonly drops: { count: number };
  /** Spans that entered the queue; minus the sent and failed ones, those still pending. */
  private accepted = 0;
  private closed = false;
  private closing: Promise<void> | undefined;

  private readonly encodeOnEnd:
    ((span: ReadableSpan) => ReadableSpan) | undefined;
  private readonly maxQueueSize: number;

  constructor(
    { encodeOnEnd, ...options }: CountingBatchSpanProcessorOptions,
    private readonly stats: TelemetryStats,
    private readonly reporter: DiagnosticReporter,
  ) {
    const serial = new SerialSpanExporter(
      options.exporter,
      options.maxQueueSize ?? 2048,
      (spans) => {
        stats.spansDropped += spans;
        reporter.warn(
          'trace-export-backlog',
          'Span exports wait longer than the export deadline (the exporter is too slow); new batches are dropped',
        );
      },
    );
    const drops = { count: 0 };
    super({
      ...options,
      exporter: serial,
      selfObsMeterProvider: queueFullListener(stats, reporter, drops),
    });
    this.serial = serial;
    this.drops = drops;
    this.encodeOnEnd = encodeOnEnd;
    this.maxQueueSize = options.maxQueueSize ?? 2048;
  }

  override onEnd(span: ReadableSpan): void {
    const sampled = (span.spanContext().traceFlags & TraceFlags.SAMPLED) !== 0;
    if (!sampled) return;
    const dropsBefore = this.drops.count;
    super.onEnd(this.queued(span));
    if (!this.closed && this.drops.count === dropsBefore) this.accepted++;
  }

  /** The span as queued: encoded now when the exporter can take it so, else itself. */
  private queued(span: ReadableSpan): ReadableSpan {
    if (this.encodeOnEnd === undefined) return span;
    // A full queue drops it anyway: no encoding for nothing while the exporter is down.
    if (this.accepted - this.serial.tally.handed >= this.maxQueueSize)
      return span;
    try {
      return this.encodeOnEnd(span);
    } catch (error) {
      // Never into the app's `span.end()`: the exporter encodes this one as before.
      this.reporter.warn(
        'trace-encode',
        'A span could not be encoded when it ended; it is exported as it is',
        error,
      );
      return span;
    }
  }

  override shutdown(): Promise<void> {
    return (this.closing ??= this.flushAndClose());
  }

  private async flushAndClose(): Promise<void> {
    const { tally } = this.serial;
    const sentBefore = tally.sent;
    const failedBefore = tally.failed;
    const startedAt = Date.now();
    const deadline =
      shutdownDeadline(this.stats) ?? startedAt + DEFAULT_FINAL_FLUSH_MS;
    this.closed = true;
    this.serial.finalFlush();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      // A failed batch is counted below as lost; the exporter already warned about it.
      super.shutdown().then(
        () => false,
        () => false,
      ),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(
          () => resolve(true),
          Math.max(0, deadline - Date.now()),
        );
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
    const sent = tally.sent - sentBefore;
    const pending = this.accepted - tally.sent - tally.failed;
    const lost = pending + tally.failed - failedBefore;
    const why = timedOut
      ? ` (the exporter did not finish within ${deadline - startedAt} ms)`
      : lost > 0
        ? ' (their export failed)'
        : '';
    const summary = `Telemetry flushed at shutdown: ${sent} spans sent, ${lost} lost${why}`;
    if (lost > 0) this.reporter.warn('shutdown-flush', summary);
    else this.reporter.log(summary);
  }
}

function queueFullListener(
  stats: TelemetryStats,
  reporter: DiagnosticReporter,
  drops: { count: number },
): MeterProvider {
  const noop = createNoopMeter();
  const dropped: Counter = {
    add(value: number, attributes?: Attributes): void {
      if (attributes?.['error.type'] !== QUEUE_FULL) return;
      drops.count += value;
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
