import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';

/** Spans as they pass through a {@link SerialSpanExporter}. */
export interface SpanTally {
  /** Spans handed to the exporter (waiting or in flight, then sent or failed). */
  handed: number;
  /** Spans the exporter accepted. */
  sent: number;
  /** Spans whose export failed. */
  failed: number;
}

interface Batch {
  spans: ReadableSpan[];
  done: (result: ExportResult) => void;
}

/**
 * Runs one export at a time, in order. The batch processor's final flush starts every
 * remaining batch at once while the last scheduled export may still be in flight; the
 * OTLP exporter's concurrency limit then rejects them ("Concurrent export limit
 * reached") and the spans of the last seconds are lost. Queued here, they wait for the
 * export ahead of them instead, and once {@link finalFlush} is called the batches that
 * wait leave together in one export: a slow collector costs one round trip, not one per batch.
 */
export class SerialSpanExporter implements SpanExporter {
  readonly tally: SpanTally = { handed: 0, sent: 0, failed: 0 };
  private readonly waiting: Batch[] = [];
  private busy = false;
  private merge = false;
  private idle: (() => void)[] = [];

  private waitingSpans = 0;

  /**
   * @param maxWaiting spans that may wait behind the export in flight; beyond that (a
   * collector slower than the batch processor's export deadline) a batch fails at once
   * and `onRefused` counts it, so memory stays bounded. The final flush is exempt: what
   * it sends is bounded by the processor's queue.
   */
  constructor(
    private readonly inner: SpanExporter,
    private readonly maxWaiting: number,
    private readonly onRefused: (spans: number) => void,
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    if (!this.merge && this.waitingSpans + spans.length > this.maxWaiting) {
      this.tally.handed += spans.length;
      this.tally.failed += spans.length;
      this.onRefused(spans.length);
      done({
        code: ExportResultCode.FAILED,
        error: new Error(
          `${this.waitingSpans} spans already wait for the exporter`,
        ),
      });
      return;
    }
    this.tally.handed += spans.length;
    this.waitingSpans += spans.length;
    this.waiting.push({ spans, done });
    this.pump();
  }

  /** From now on, batches that wait are merged into one export. */
  finalFlush(): void {
    this.merge = true;
  }

  shutdown(): Promise<void> {
    return this.drained().then(() => this.inner.shutdown());
  }

  forceFlush(): Promise<void> {
    return this.drained().then(() => this.inner.forceFlush?.());
  }

  private drained(): Promise<void> {
    if (!this.busy && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    if (this.busy) return;
    const batches = this.waiting.splice(
      0,
      this.merge ? this.waiting.length : 1,
    );
    if (batches.length === 0) {
      for (const resolve of this.idle.splice(0)) resolve();
      return;
    }
    this.busy = true;
    // One batch (all but the final flush): its own array, not a copy.
    const spans =
      batches.length === 1
        ? batches[0]!.spans
        : batches.flatMap((batch) => batch.spans);
    this.waitingSpans -= spans.length;
    let settled = false;
    const finish = (result: ExportResult) => {
      if (settled) return;
      settled = true;
      if (result.code === ExportResultCode.SUCCESS)
        this.tally.sent += spans.length;
      else this.tally.failed += spans.length;
      this.busy = false;
      for (const batch of batches) batch.done(result);
      this.pump();
    };
    try {
      this.inner.export(spans, finish);
    } catch (error) {
      finish({
        code: ExportResultCode.FAILED,
        error: error instanceof Error ? error : new Error(String(error)),
      });
    }
  }
}
