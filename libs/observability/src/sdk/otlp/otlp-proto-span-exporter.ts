import { createRequire } from 'node:module';
import {
  type IOtlpExportDelegate,
  type OTLPExporterConfigBase,
  OTLPExporterBase,
} from '@opentelemetry/otlp-exporter-base';
import {
  type IExporterMetricsHelper,
  type IExportTraceServiceResponse,
  type ISerializer,
  ProtobufTraceSerializer,
  TraceExporterMetricsHelper,
} from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { TraceRequestEncoder } from './otlp-trace-encoder';

/** Opaque here: produced by `convertLegacyHttpOptions`, consumed by the delegate factory. */
type NodeHttpConfiguration = { readonly agentFactory: unknown };

/**
 * What this exporter uses of `@opentelemetry/otlp-exporter-base/node-http`, the entry
 * `@opentelemetry/exporter-trace-otlp-proto` itself builds on. It is a published subpath
 * export, but this repository's TypeScript resolution (node10) does not read package
 * exports, so its types are restated here against the package's main-entry types.
 */
interface NodeHttpEntry {
  convertLegacyHttpOptions(
    this: void,
    config: OTLPExporterConfigBase,
    signalIdentifier: string,
    signalResourcePath: string,
    requiredHeaders: Record<string, string>,
  ): NodeHttpConfiguration;
  createOtlpHttpExportDelegate<Internal, Response>(
    this: void,
    options: NodeHttpConfiguration,
    serializer: ISerializer<Internal, Response>,
    metricsComponentType: string,
    exporterMetricsHelper: IExporterMetricsHelper<Internal>,
    meterProvider: undefined,
  ): IOtlpExportDelegate<Internal>;
}

const { convertLegacyHttpOptions, createOtlpHttpExportDelegate } =
  createRequire(__filename)(
    '@opentelemetry/otlp-exporter-base/node-http',
  ) as NodeHttpEntry;

/**
 * OTLP/HTTP protobuf span exporter: `@opentelemetry/exporter-trace-otlp-proto`'s
 * transport, retries, `OTEL_EXPORTER_OTLP_*` settings and self-metrics, with the
 * request body written by {@link TraceRequestEncoder}. OpenTelemetry's serializer was
 * the largest single cost of a traced request in the bench app (~7 µs per span, two
 * spans per request); this one writes the same message in ~3 µs there (0.7 against
 * 2.7 µs per span in isolation).
 */
export class OtlpProtoSpanExporter
  extends OTLPExporterBase<ReadableSpan[]>
  implements SpanExporter
{
  /** Its encoder, for a span processor that encodes spans as they end ({@link TraceRequestEncoder.encodeEnded}). */
  readonly encoder: TraceRequestEncoder;

  constructor(config: OTLPExporterConfigBase = {}) {
    const encoder = new TraceRequestEncoder();
    const serializer: ISerializer<ReadableSpan[], IExportTraceServiceResponse> =
      {
        serializeRequest: (spans) => encoder.encode(spans),
        deserializeResponse: (data) =>
          ProtobufTraceSerializer.deserializeResponse(data),
      };
    super(
      createOtlpHttpExportDelegate(
        convertLegacyHttpOptions(config, 'TRACES', 'v1/traces', {
          'Content-Type': 'application/x-protobuf',
        }),
        serializer,
        'otlp_http_span_exporter',
        TraceExporterMetricsHelper,
        undefined,
      ),
    );
    this.encoder = encoder;
  }
}
