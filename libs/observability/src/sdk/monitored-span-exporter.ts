import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { messages } from '../core/messages';
import {
  deliveredDespiteError,
  type DiagnosticReporter,
  exportFailureKind,
  type TelemetryStats,
} from './diagnostics';

/**
 * Wraps a span exporter to count failed exports and the spans they lose, and to warn
 * (rate-limited) instead of failing silently, which is what OpenTelemetry does without
 * a diagnostic logger.
 */
export class MonitoredSpanExporter implements SpanExporter {
  constructor(
    private readonly inner: SpanExporter,
    private readonly destination: string,
    private readonly stats: TelemetryStats,
    private readonly reporter: DiagnosticReporter,
  ) {}

  export(
    spans: ReadableSpan[],
    resultCallback: (result: ExportResult) => void,
  ): void {
    this.inner.export(spans, (result) => {
      if (
        result.code === ExportResultCode.SUCCESS ||
        deliveredDespiteError(result.error)
      ) {
        this.stats.spansExported += spans.length;
        resultCallback({ code: ExportResultCode.SUCCESS });
        return;
      }
      this.stats.spanExportFailures++;
      this.stats.spansDropped += spans.length;
      const kind = exportFailureKind(result.error);
      this.reporter.warn(
        `trace-export:${kind}`,
        messages.spanExportFailed(this.destination, kind, spans.length),
        result.error,
      );
      resultCallback(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
