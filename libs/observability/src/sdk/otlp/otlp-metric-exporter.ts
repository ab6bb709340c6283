import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { type IOtlpExportDelegate } from '@opentelemetry/otlp-exporter-base';
import {
  convertLegacyHttpOptions,
  createOtlpHttpExportDelegate,
} from '@opentelemetry/otlp-exporter-base/node-http';
import {
  type IExportMetricsServiceResponse,
  type ISerializer,
  JsonMetricsSerializer,
  MetricsExporterMetricsHelper,
  ProtobufMetricsSerializer,
} from '@opentelemetry/otlp-transformer';
import {
  type AggregationOption,
  AggregationTemporality,
  AggregationType,
  InstrumentType,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import {
  encodeMetricsJson,
  encodeMetricsProtobuf,
} from './otlp-metrics-encoder';

/** Configuration of {@link OtlpMetricExporter}. */
export interface OtlpMetricExporterConfig {
  /** The full endpoint, path included (`http://collector:4318/v1/metrics`). */
  readonly url: string;
  readonly protocol: 'http/protobuf' | 'http/json';
  /** Sent with every export, merged over `OTEL_EXPORTER_OTLP_METRICS_HEADERS` (these win). */
  readonly headers?: Readonly<Record<string, string>>;
  /** How long one export may take, retries included. */
  readonly timeoutMillis: number;
  /**
   * Exports in flight at most; one more fails at once.
   * @default 30 (OpenTelemetry's)
   */
  readonly concurrencyLimit?: number;
  /**
   * Which instruments are exported as deltas, by the OTLP exporter spec's preferences:
   * `delta` all but up-down counters, `lowmemory` only synchronous counters and histograms.
   */
  readonly temporalityPreference: 'cumulative' | 'delta' | 'lowmemory';
}

const DEFAULT_AGGREGATION: AggregationOption = {
  type: AggregationType.DEFAULT,
};

/**
 * OTLP/HTTP metric exporter, protobuf or JSON, that carries the tallies' histogram
 * exemplars, which OpenTelemetry's serializers leave out. Transport, retries and the
 * `OTEL_EXPORTER_OTLP_METRICS_*` compression and headers are those of
 * `@opentelemetry/exporter-metrics-otlp-http`'s exporter, built the same way (its
 * self-metrics off, as in `OtlpProtoSpanExporter`: no meter provider is passed);
 * only the body is ours ({@link encodeMetricsProtobuf}, {@link encodeMetricsJson}).
 */
export class OtlpMetricExporter implements PushMetricExporter {
  private readonly delegate: IOtlpExportDelegate<ResourceMetrics>;
  private readonly preference: OtlpMetricExporterConfig['temporalityPreference'];

  constructor(config: OtlpMetricExporterConfig) {
    const json = config.protocol === 'http/json';
    const serializer: ISerializer<
      ResourceMetrics,
      IExportMetricsServiceResponse
    > = json
      ? {
          serializeRequest: encodeMetricsJson,
          deserializeResponse: (data) =>
            JsonMetricsSerializer.deserializeResponse(data),
        }
      : {
          serializeRequest: encodeMetricsProtobuf,
          deserializeResponse: (data) =>
            ProtobufMetricsSerializer.deserializeResponse(data),
        };
    this.delegate = createOtlpHttpExportDelegate(
      convertLegacyHttpOptions(
        {
          url: config.url,
          headers: { ...config.headers },
          timeoutMillis: config.timeoutMillis,
          concurrencyLimit: config.concurrencyLimit,
        },
        'METRICS',
        'v1/metrics',
        {
          'Content-Type': json ? 'application/json' : 'application/x-protobuf',
        },
      ),
      serializer,
      'otlp_http_metric_exporter',
      MetricsExporterMetricsHelper,
      undefined,
    );
    this.preference = config.temporalityPreference;
  }

  /** Sends one collection; the outcome, failures included, comes back through `resultCallback` only. */
  export(
    metrics: ResourceMetrics,
    resultCallback: (result: ExportResult) => void,
  ): void {
    let answered = false;
    const answer = (result: ExportResult) => {
      if (answered) return;
      answered = true;
      resultCallback(result);
    };
    try {
      this.delegate.export(metrics, answer);
    } catch (error) {
      // The delegate calls the serializer unguarded, so an encoding error is thrown here.
      answer({
        code: ExportResultCode.FAILED,
        error: error instanceof Error ? error : new Error(String(error)),
      });
    }
  }

  forceFlush(): Promise<void> {
    return this.delegate.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.delegate.shutdown();
  }

  selectAggregation(): AggregationOption {
    return DEFAULT_AGGREGATION;
  }

  /** As `@opentelemetry/exporter-metrics-otlp-http`'s selectors choose, gauges included. */
  selectAggregationTemporality(
    instrumentType: InstrumentType,
  ): AggregationTemporality {
    if (this.preference === 'cumulative')
      return AggregationTemporality.CUMULATIVE;
    switch (instrumentType) {
      case InstrumentType.COUNTER:
      case InstrumentType.HISTOGRAM:
        return AggregationTemporality.DELTA;
      case InstrumentType.OBSERVABLE_COUNTER:
      case InstrumentType.GAUGE:
      case InstrumentType.OBSERVABLE_GAUGE:
        return this.preference === 'delta'
          ? AggregationTemporality.DELTA
          : AggregationTemporality.CUMULATIVE;
      default:
        return AggregationTemporality.CUMULATIVE;
    }
  }
}
