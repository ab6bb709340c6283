import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { otlpTypes } from '../../../../test/support/trace-receivers/otlp-decode';
import { createCountingBatchSpanProcessor } from './counting-batch-span-processor';
import { DiagnosticReporter, type TelemetryStats } from './diagnostics';
import { EncodedSpan } from './otlp/encoded-span';
import { TraceRequestEncoder } from './otlp/otlp-trace-encoder';
import { setShutdownDeadline } from './shutdown-deadline';

/** An exporter that answers only when released: until then the queue only fills. */
class HeldExporter implements SpanExporter {
  private readonly pending: ((r: ExportResult) => void)[] = [];
  private released = false;
  /** Every batch it was handed, in order. */
  readonly batches: ReadableSpan[][] = [];
  export(spans: ReadableSpan[], done: (r: ExportResult) => void): void {
    this.batches.push(spans);
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

/**
 * Answers each export after `delayMs` and, like the OTLP exporter with
 * `concurrencyLimit: 1`, refuses an export while another is in flight.
 */
class SlowLimitedExporter implements SpanExporter {
  inFlight = 0;
  calls = 0;
  accepted = 0;
  refused = 0;
  constructor(private readonly delayMs: number) {}
  export(spans: ReadableSpan[], done: (r: ExportResult) => void): void {
    this.calls++;
    if (this.inFlight >= 1) {
      this.refused += spans.length;
      done({
        code: ExportResultCode.FAILED,
        error: new Error('Concurrent export limit reached'),
      });
      return;
    }
    this.inFlight++;
    const timer = setTimeout(() => {
      this.inFlight--;
      this.accepted += spans.length;
      done({ code: ExportResultCode.SUCCESS });
    }, this.delayMs);
    timer.unref();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

function newStats(): TelemetryStats {
  return {
    spansDropped: 0,
    spanExportFailures: 0,
    activeUsersWriteFailures: 0,
    spansExported: 0,
    metricExportFailures: 0,
  };
}

describe('createCountingBatchSpanProcessor', () => {
  it('final flush waits for the export in flight, then sends the 8 queued spans in 1 export: 10 of 10 sent through a one-at-a-time exporter, summary "10 spans sent, 0 lost"', async () => {
    const warnings: string[] = [];
    const reporter = new DiagnosticReporter();
    // A report that lost nothing is information, not a warning.
    reporter.setSink((message, level = 'warn') =>
      warnings.push(`${level}: ${message}`),
    );
    const exporter = new SlowLimitedExporter(30);
    const processor = createCountingBatchSpanProcessor(
      {
        exporter,
        maxQueueSize: 100,
        maxExportBatchSize: 2,
        scheduledDelayMillis: 60_000,
        exportTimeoutMillis: 5_000,
      },
      newStats(),
      reporter,
    );
    const provider = new TracerProvider({ spanProcessors: [processor] });
    const tracer = provider.getTracer('counting-bsp.spec');
    // The first full batch starts an export at once; the other 8 spans wait behind it.
    for (let i = 0; i < 10; i++) tracer.startSpan(`s${i}`).end();
    await provider.shutdown();
    expect(exporter.refused).toBe(0);
    expect(exporter.accepted).toBe(10);
    expect(exporter.calls).toBe(2);
    expect(warnings).toEqual([
      'log: Telemetry flushed at shutdown: 10 spans sent, 0 lost',
    ]);
  });

  it('gives up at the shutdown deadline and counts what it lost: 4 spans, a 10 s exporter, a 200 ms deadline: "0 spans sent, 4 lost"', async () => {
    const warnings: string[] = [];
    const reporter = new DiagnosticReporter();
    // A report that lost nothing is information, not a warning.
    reporter.setSink((message, level = 'warn') =>
      warnings.push(`${level}: ${message}`),
    );
    const stats = newStats();
    const exporter = new SlowLimitedExporter(10_000);
    const processor = createCountingBatchSpanProcessor(
      {
        exporter,
        maxQueueSize: 100,
        maxExportBatchSize: 2,
        scheduledDelayMillis: 60_000,
        exportTimeoutMillis: 500,
      },
      stats,
      reporter,
    );
    const provider = new TracerProvider({ spanProcessors: [processor] });
    const tracer = provider.getTracer('counting-bsp.spec');
    for (let i = 0; i < 4; i++) tracer.startSpan(`s${i}`).end();
    setShutdownDeadline(stats, Date.now() + 200);
    const started = Date.now();
    await provider.shutdown();
    expect(Date.now() - started).toBeLessThan(2_000);
    // The flush had what was left of the 200 ms when it started (a loaded box takes a ms or two).
    expect(warnings).toHaveLength(1);
    const [, within] =
      /^warn: Telemetry flushed at shutdown: 0 spans sent, 4 lost \(the exporter did not finish within (\d+) ms\)$/.exec(
        warnings[0] ?? '',
      ) ?? [];
    expect(Number(within)).toBeGreaterThan(100);
    expect(Number(within)).toBeLessThanOrEqual(200);
  });

  it('counts spans dropped on a full queue, through the SDK self-metric (@opentelemetry/sdk-trace selfObsMeterProvider)', async () => {
    const stats: TelemetryStats = {
      spansDropped: 0,
      spanExportFailures: 0,
      activeUsersWriteFailures: 0,
      spansExported: 0,
      metricExportFailures: 0,
    };
    const warnings: string[] = [];
    const reporter = new DiagnosticReporter();
    // A report that lost nothing is information, not a warning.
    reporter.setSink((message, level = 'warn') =>
      warnings.push(`${level}: ${message}`),
    );
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
      'warn: The span export queue is full (the exporter is down or too slow); new spans are dropped',
    ]);
    exporter.release();
    await provider.shutdown();
    expect(warnings[1]).toBe(
      // The 4 queued behind the released batch; the 2 dropped on the full queue are counted above.
      'log: Telemetry flushed at shutdown: 4 spans sent, 0 lost',
    );
  });

  it('encodes spans as they end when given encodeOnEnd: the queue holds bytes, a full queue still drops and counts (encoding nothing), and the batches sent are the spans OpenTelemetry would have sent', async () => {
    const stats = newStats();
    const warnings: string[] = [];
    const reporter = new DiagnosticReporter();
    reporter.setSink((message, level = 'warn') =>
      warnings.push(`${level}: ${message}`),
    );
    const encoder = new TraceRequestEncoder();
    let encoded = 0;
    const exporter = new HeldExporter();
    const processor = createCountingBatchSpanProcessor(
      {
        exporter,
        maxQueueSize: 4,
        maxExportBatchSize: 4,
        scheduledDelayMillis: 60_000,
        exportTimeoutMillis: 5_000,
        encodeOnEnd: (span) => {
          encoded++;
          return encoder.encodeEnded(span) as unknown as ReadableSpan;
        },
      },
      stats,
      reporter,
    );
    // The spans as the SDK ended them, to compare with what went through the queue.
    const reference = new InMemorySpanExporter();
    const provider = new TracerProvider({
      spanProcessors: [
        new SimpleSpanProcessor({ exporter: reference }),
        processor,
      ],
    });
    const tracer = provider.getTracer('counting-bsp.spec', '1.0.0');
    for (let i = 0; i < 10; i++)
      tracer
        .startSpan(`s${i}`, { attributes: { i, 'http.route': '/a/:b' } })
        .end();

    // 4 exported at once (held), 4 queued behind them, 2 dropped on the full queue
    // without being encoded first.
    expect(stats.spansDropped).toBe(2);
    expect(encoded).toBe(8);
    expect(warnings).toEqual([
      'warn: The span export queue is full (the exporter is down or too slow); new spans are dropped',
    ]);
    // (The in-memory exporter forgets its spans at shutdown.)
    const ended = [...reference.getFinishedSpans()];
    expect(ended).toHaveLength(10);
    exporter.release();
    await provider.shutdown();
    expect(warnings[1]).toBe(
      'log: Telemetry flushed at shutdown: 4 spans sent, 0 lost',
    );
    const sent = exporter.batches.flat();
    expect(sent).toHaveLength(8);
    expect(sent.every((s) => s instanceof EncodedSpan)).toBe(true);
    const { request } = otlpTypes();
    const decode = (bytes: Uint8Array) =>
      request.toObject(request.decode(bytes), { longs: String, bytes: String });
    // The first 8 spans, in order (the last 2 were dropped), field for field.
    expect(decode(encoder.encode(sent))).toEqual(
      decode(ProtobufTraceSerializer.serializeRequest(ended.slice(0, 8))!),
    );
  });
});
