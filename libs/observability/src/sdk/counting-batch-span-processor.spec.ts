import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import {
  type ReadableSpan,
  type SpanExporter,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { createCountingBatchSpanProcessor } from './counting-batch-span-processor';
import { DiagnosticReporter, type TelemetryStats } from './diagnostics';

/** An exporter that answers only when released: until then the queue only fills. */
class HeldExporter implements SpanExporter {
  private readonly pending: ((r: ExportResult) => void)[] = [];
  private released = false;
  export(_spans: ReadableSpan[], done: (r: ExportResult) => void): void {
    if (this.released) done({ code: ExportResultCode.SUCCESS });
    else this.pending.push(done);
  }
  release(): void {
    this.released = true;
    for (const done of this.pending.splice(0))
      done({ code: ExportResultCode.SUCCESS });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

describe('createCountingBatchSpanProcessor', () => {
  it('counts spans dropped on a full queue, through the SDK self-metric (@opentelemetry/sdk-trace selfObsMeterProvider)', async () => {
    const stats: TelemetryStats = {
      spansDropped: 0,
      spanExportFailures: 0,
      spansExported: 0,
      metricExportFailures: 0,
    };
    const warnings: string[] = [];
    const reporter = new DiagnosticReporter();
    reporter.setSink((message) => warnings.push(message));
    const exporter = new HeldExporter();
    const processor = createCountingBatchSpanProcessor(
      {
        exporter,
        maxQueueSize: 4,
        maxExportBatchSize: 4,
        scheduledDelayMillis: 60_000,
        exportTimeoutMillis: 5_000,
      },
      stats,
      reporter,
    );
    const provider = new TracerProvider({ spanProcessors: [processor] });
    const tracer = provider.getTracer('counting-bsp.spec');
    for (let i = 0; i < 10; i++) tracer.startSpan(`s${i}`).end();

    // If this fails after an OpenTelemetry upgrade, @opentelemetry/sdk-trace's
    // BatchSpanProcessor no longer reports `otel.sdk.processor.span.processed`
    // {error.type=queue_full} to selfObsMeterProvider: prs_telemetry_spans_dropped_total
    // would stay 0 while spans are lost.
    expect(stats.spansDropped).toBeGreaterThan(0);
    expect(warnings).toEqual([
      'The span export queue is full (the exporter is down or too slow); new spans are dropped',
    ]);
    exporter.release();
    await provider.shutdown();
  });
});
