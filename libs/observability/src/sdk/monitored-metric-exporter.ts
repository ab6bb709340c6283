import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type {
  AggregationOption,
  AggregationTemporality,
  InstrumentType,
  PushMetricExporter,
  ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { messages } from '../core/messages';
import {
  deliveredDespiteError,
  type DiagnosticReporter,
  exportFailureKind,
  type TelemetryStats,
} from './diagnostics';

/**
 * Wraps a push metric exporter to count failed exports (for
 * `prs_telemetry_export_failures_total{signal="metrics"}`) and warn, rate-limited,
 * instead of failing silently. An exporter that throws is answered as a failure.
 */
export class MonitoredMetricExporter implements PushMetricExporter {
  constructor(
    private readonly inner: PushMetricExporter,
    private readonly destination: string,
    private readonly stats: TelemetryStats,
    private readonly reporter: DiagnosticReporter,
  ) {}

  export(
    metrics: ResourceMetrics,
    resultCallback: (result: ExportResult) => void,
  ): void {
    const done = (result: ExportResult) => {
      if (deliveredDespiteError(result.error)) {
        resultCallback({ code: ExportResultCode.SUCCESS });
        return;
      }
      if (result.code !== ExportResultCode.SUCCESS) {
        this.stats.metricExportFailures++;
        const kind = exportFailureKind(result.error);
        this.reporter.warn(
          `metric-export:${kind}`,
          messages.metricExportFailed(this.destination, kind),
          result.error,
        );
      }
      resultCallback(result);
    };
    try {
      this.inner.export(metrics, done);
    } catch (error) {
      done({
        code: ExportResultCode.FAILED,
        error: error instanceof Error ? error : new Error(String(error)),
      });
    }
  }

  selectAggregationTemporality(
    instrumentType: InstrumentType,
  ): AggregationTemporality {
    return this.inner.selectAggregationTemporality!(instrumentType);
  }

  selectAggregation(instrumentType: InstrumentType): AggregationOption {
    return this.inner.selectAggregation!(instrumentType);
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}
