import { TraceFlags } from '@opentelemetry/api';
import {
  BatchSpanProcessor,
  type BatchSpanProcessorOptions,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace';
import type { DiagnosticReporter, TelemetryStats } from './diagnostics';

interface BatchInternals {
  _finishedSpans?: unknown[];
  _maxQueueSize?: number;
}

/**
 * A BatchSpanProcessor that counts the spans it drops when its queue is full
 * (the SDK only logs them at debug level), so the loss shows on `/metrics`.
 */
export class CountingBatchSpanProcessor extends BatchSpanProcessor {
  constructor(
    options: BatchSpanProcessorOptions,
    private readonly stats: TelemetryStats,
    private readonly reporter: DiagnosticReporter,
  ) {
    super(options);
  }

  override onEnd(span: ReadableSpan): void {
    // Reads the base class's queue; if its internals ever change, counting stops, nothing breaks.
    const internals = this as unknown as BatchInternals;
    const queue = internals._finishedSpans;
    const sampled = (span.spanContext().traceFlags & TraceFlags.SAMPLED) !== 0;
    if (
      sampled &&
      Array.isArray(queue) &&
      queue.length >= (internals._maxQueueSize ?? Infinity)
    ) {
      this.stats.spansDropped++;
      this.reporter.warn(
        'trace-queue-full',
        'The span export queue is full (the exporter is down or too slow); new spans are dropped',
      );
    }
    super.onEnd(span);
  }
}
