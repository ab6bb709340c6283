import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { SerialSpanExporter } from './serial-span-exporter';

/** Records each export's size and answers only when told. */
class ManualExporter implements SpanExporter {
  readonly calls: number[] = [];
  private readonly pending: ((r: ExportResult) => void)[] = [];
  export(spans: ReadableSpan[], done: (r: ExportResult) => void): void {
    this.calls.push(spans.length);
    this.pending.push(done);
  }
  answer(): void {
    this.pending.shift()?.({ code: ExportResultCode.SUCCESS });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const spans = (n: number) => Array.from<ReadableSpan>({ length: n });

describe('SerialSpanExporter', () => {
  it('runs 1 export at a time, refuses a batch beyond 4 waiting spans, and merges what waits into 1 export once the final flush starts', () => {
    const inner = new ManualExporter();
    const refused: number[] = [];
    const serial = new SerialSpanExporter(inner, 4, (n) => refused.push(n));
    const results: ExportResultCode[] = [];
    const record = (r: ExportResult) => results.push(r.code);

    serial.export(spans(2), record); // in flight
    serial.export(spans(2), record); // waits (2)
    serial.export(spans(2), record); // waits (4)
    serial.export(spans(2), record); // would make 6 wait: refused
    expect(inner.calls).toEqual([2]);
    expect(refused).toEqual([2]);
    expect(results).toEqual([ExportResultCode.FAILED]);

    serial.finalFlush();
    serial.export(spans(3), record); // the final flush is not refused
    inner.answer();
    // The 3 batches that waited (2 + 2 + 3 spans) leave together.
    expect(inner.calls).toEqual([2, 7]);
    inner.answer();
    expect(results.filter((c) => c === ExportResultCode.SUCCESS)).toHaveLength(
      4,
    );
    expect(serial.tally).toEqual({ handed: 11, sent: 9, failed: 2 });
  });
});
