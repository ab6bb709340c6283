import {
  type Attributes,
  diag,
  type HrTime,
  isValidSpanId,
  isValidTraceId,
  ValueType,
} from '@opentelemetry/api';
import {
  AggregationTemporality,
  type DataPoint,
  DataPointType,
  type ExponentialHistogram,
  type Histogram,
  type MetricData,
  type ResourceMetrics,
  type ScopeMetrics,
} from '@opentelemetry/sdk-metrics';
import { exemplarsOf, type TallyExemplar } from '../../core/tally-points';
import { type OtlpMessage, writeMetricsRequest } from './otlp-metrics-schema';
import { ProtobufWriter } from './protobuf-writer';

/*
 * One mapping, two wire forms. `toRequest` builds the ExportMetricsServiceRequest as
 * OTLP/JSON spells it (camelCase names, enums as numbers, hex ids), with 64-bit integers
 * as bigint; JSON.stringify writes those as decimal strings, and `writeMetricsRequest`
 * (otlp-metrics-schema.ts) writes the protobuf from the same object, led by its field
 * table (the tests decode both forms with the official definitions in
 * test/support/otlp-proto). Metrics go out once per interval,
 * so this favours one obviously-equal mapping over the trace encoder's speed.
 */

/** The ExportMetricsServiceRequest of one collection as protobuf (`application/x-protobuf`). */
export function encodeMetricsProtobuf(metrics: ResourceMetrics): Uint8Array {
  const writer = new ProtobufWriter(4096);
  writeMetricsRequest(writer, toRequest(metrics));
  return writer.finish();
}

/** The same request as OTLP/JSON (`application/json`). */
export function encodeMetricsJson(metrics: ResourceMetrics): Uint8Array {
  return Buffer.from(JSON.stringify(toRequest(metrics), protoJson), 'utf8');
}

/** proto3 JSON: 64-bit integers as decimal strings, non-finite doubles by name. */
function protoJson(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && !Number.isFinite(value))
    return String(value); // "NaN", "Infinity", "-Infinity"
  return value;
}

type Message = OtlpMessage;

function toRequest({ resource, scopeMetrics }: ResourceMetrics): Message {
  return {
    resourceMetrics: [
      {
        resource: { attributes: keyValues(resource.attributes) },
        scopeMetrics: scopeMetrics.map(toScopeMetrics),
        schemaUrl: resource.schemaUrl,
      },
    ],
  };
}

function toScopeMetrics({ scope, metrics }: ScopeMetrics): Message {
  return {
    scope: { name: scope.name, version: scope.version },
    metrics: metrics.flatMap((metric) => toMetric(metric) ?? []),
    schemaUrl: scope.schemaUrl,
  };
}

function toMetric(metric: MetricData): Message | undefined {
  const { name, description, unit, valueType } = metric.descriptor;
  const aggregationTemporality =
    metric.aggregationTemporality === AggregationTemporality.DELTA ? 1 : 2;
  switch (metric.dataPointType) {
    case DataPointType.SUM:
      return {
        name,
        description,
        unit,
        sum: {
          dataPoints: metric.dataPoints.map((p) => numberPoint(p, valueType)),
          aggregationTemporality,
          isMonotonic: metric.isMonotonic,
        },
      };
    case DataPointType.GAUGE:
      return {
        name,
        description,
        unit,
        gauge: {
          dataPoints: metric.dataPoints.map((p) => numberPoint(p, valueType)),
        },
      };
    case DataPointType.HISTOGRAM:
      return {
        name,
        description,
        unit,
        histogram: {
          dataPoints: metric.dataPoints.map(histogramPoint),
          aggregationTemporality,
        },
      };
    case DataPointType.EXPONENTIAL_HISTOGRAM:
      return {
        name,
        description,
        unit,
        exponentialHistogram: {
          dataPoints: metric.dataPoints.map(exponentialPoint),
          aggregationTemporality,
        },
      };
  }
  // A data point type added by a later SDK: leaving the metric out keeps the rest valid.
  diag.warn(
    `OTLP metric exporter: ${name} has a data point type it cannot encode (${String((metric as MetricData).dataPointType)}); left out`,
  );
  return undefined;
}

function pointTimes(point: DataPoint<unknown>): Message {
  return {
    attributes: keyValues(point.attributes),
    startTimeUnixNano: nanos(point.startTime),
    timeUnixNano: nanos(point.endTime),
  };
}

function numberPoint(point: DataPoint<number>, valueType: ValueType): Message {
  const { value } = point;
  return {
    ...pointTimes(point),
    ...(valueType === ValueType.INT && Number.isSafeInteger(value)
      ? { asInt: BigInt(value) }
      : { asDouble: value }),
  };
}

function histogramPoint(point: DataPoint<Histogram>): Message {
  const { count, sum, buckets, min, max } = point.value;
  return {
    ...pointTimes(point),
    count: BigInt(count),
    sum,
    bucketCounts: buckets.counts.map((n) => BigInt(n)),
    explicitBounds: buckets.boundaries,
    exemplars: toExemplars(point),
    min,
    max,
  };
}

function exponentialPoint(point: DataPoint<ExponentialHistogram>): Message {
  const { count, sum, scale, zeroCount, positive, negative, min, max } =
    point.value;
  return {
    ...pointTimes(point),
    count: BigInt(count),
    sum,
    scale,
    zeroCount: BigInt(zeroCount),
    positive: exponentialBuckets(positive),
    negative: exponentialBuckets(negative),
    min,
    max,
  };
}

function exponentialBuckets({
  offset,
  bucketCounts,
}: ExponentialHistogram['positive']): Message {
  return { offset, bucketCounts: bucketCounts.map((n) => BigInt(n)) };
}

/**
 * The tallies' exemplars of a histogram point, in bucket order (OTLP keeps them as a
 * plain list; a backend buckets them by value). One with a malformed or all-zero id
 * would open no trace, so it is left out.
 */
function toExemplars(point: DataPoint<Histogram>): Message[] | undefined {
  const exemplars = exemplarsOf(point)?.filter(
    (e): e is TallyExemplar =>
      e !== undefined && isValidTraceId(e.traceId) && isValidSpanId(e.spanId),
  );
  if (exemplars === undefined || exemplars.length === 0) return undefined;
  return exemplars.map((e) => ({
    // A double of epoch milliseconds holds about a quarter of a microsecond.
    timeUnixNano: BigInt(Math.round(e.timeUnixMs * 1000)) * 1000n,
    asDouble: e.value,
    spanId: e.spanId.toLowerCase(),
    traceId: e.traceId.toLowerCase(),
  }));
}

function nanos([seconds, nanoseconds]: HrTime): bigint {
  return (
    BigInt(Math.trunc(seconds)) * 1_000_000_000n +
    BigInt(Math.trunc(nanoseconds))
  );
}

function keyValues(attributes: Attributes): Message[] {
  return Object.keys(attributes).map((key) => ({
    key,
    value: anyValue(attributes[key]),
  }));
}

const MIN_INT64 = -(2 ** 63);
const MAX_INT64 = 2 ** 63;

/** An attribute value; one of no API attribute type is an empty AnyValue, as OpenTelemetry writes it. */
function anyValue(value: unknown): Message {
  switch (typeof value) {
    case 'string':
      return { stringValue: value };
    case 'boolean':
      return { boolValue: value };
    case 'number':
      return Number.isInteger(value) && value >= MIN_INT64 && value < MAX_INT64
        ? { intValue: BigInt(value) }
        : { doubleValue: value };
    default:
      return Array.isArray(value)
        ? { arrayValue: { values: (value as unknown[]).map(anyValue) } }
        : {};
  }
}
