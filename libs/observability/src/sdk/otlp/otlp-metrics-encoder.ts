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
import { exemplarsOf, type TallyExemplar } from '../../core/metric-tallies';
import { ProtobufWriter } from './protobuf-writer';

/*
 * One mapping, two wire forms. `toRequest` builds the ExportMetricsServiceRequest as
 * OTLP/JSON spells it (camelCase names, enums as numbers, hex ids), with 64-bit integers
 * as bigint; JSON.stringify writes those as decimal strings, and `writeMessage` writes
 * the protobuf from the same object, led by the field table below (the numbers of
 * opentelemetry/proto/metrics/v1/metrics.proto; the tests decode both forms with the
 * official definitions in test/support/otlp-proto). Metrics go out once per interval,
 * so this favours one obviously-equal mapping over the trace encoder's speed.
 */

/** The ExportMetricsServiceRequest of one collection as protobuf (`application/x-protobuf`). */
export function encodeMetricsProtobuf(metrics: ResourceMetrics): Uint8Array {
  const writer = new ProtobufWriter(4096);
  writeMessage(writer, REQUEST, toRequest(metrics));
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

/** An OTLP message as OTLP/JSON names its fields; 64-bit integers are bigint. */
type Message = { readonly [field: string]: unknown };

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

/*
 * Protobuf. A field is [number, type, label]: `repeated` writes a tag per item, `packed`
 * one tag for all, `present` writes the field whenever it is set (a oneof member or a
 * proto3 `optional`, where zero is a value); other scalars are left out when zero, as
 * proto3 encoders do, and messages are written whenever set.
 */
type Scalar =
  | 'string'
  | 'bool'
  | 'enum'
  | 'int64'
  | 'uint64'
  | 'sint32'
  | 'double'
  | 'fixed64'
  | 'id';
type Field = readonly [
  number: number,
  type: Scalar | Schema,
  label?: 'repeated' | 'packed' | 'present',
];
interface Schema {
  [jsonName: string]: Field;
}

const ARRAY_VALUE: Schema = {};
const ANY_VALUE: Schema = {
  stringValue: [1, 'string', 'present'],
  boolValue: [2, 'bool', 'present'],
  intValue: [3, 'int64', 'present'],
  doubleValue: [4, 'double', 'present'],
  arrayValue: [5, ARRAY_VALUE],
};
ARRAY_VALUE.values = [1, ANY_VALUE, 'repeated'];
const KEY_VALUE: Schema = { key: [1, 'string'], value: [2, ANY_VALUE] };

const EXEMPLAR: Schema = {
  timeUnixNano: [2, 'fixed64'],
  asDouble: [3, 'double', 'present'],
  spanId: [4, 'id'],
  traceId: [5, 'id'],
};
const NUMBER_POINT: Schema = {
  attributes: [7, KEY_VALUE, 'repeated'],
  startTimeUnixNano: [2, 'fixed64'],
  timeUnixNano: [3, 'fixed64'],
  asDouble: [4, 'double', 'present'],
  asInt: [6, 'fixed64', 'present'], // sfixed64: the same eight bytes
};
const HISTOGRAM_POINT: Schema = {
  attributes: [9, KEY_VALUE, 'repeated'],
  startTimeUnixNano: [2, 'fixed64'],
  timeUnixNano: [3, 'fixed64'],
  count: [4, 'fixed64'],
  sum: [5, 'double', 'present'],
  bucketCounts: [6, 'fixed64', 'packed'],
  explicitBounds: [7, 'double', 'packed'],
  exemplars: [8, EXEMPLAR, 'repeated'],
  min: [11, 'double', 'present'],
  max: [12, 'double', 'present'],
};
const BUCKETS: Schema = {
  offset: [1, 'sint32'],
  bucketCounts: [2, 'uint64', 'packed'],
};
const EXPONENTIAL_POINT: Schema = {
  attributes: [1, KEY_VALUE, 'repeated'],
  startTimeUnixNano: [2, 'fixed64'],
  timeUnixNano: [3, 'fixed64'],
  count: [4, 'fixed64'],
  sum: [5, 'double', 'present'],
  scale: [6, 'sint32'],
  zeroCount: [7, 'fixed64'],
  positive: [8, BUCKETS],
  negative: [9, BUCKETS],
  min: [12, 'double', 'present'],
  max: [13, 'double', 'present'],
};
const METRIC: Schema = {
  name: [1, 'string'],
  description: [2, 'string'],
  unit: [3, 'string'],
  gauge: [5, { dataPoints: [1, NUMBER_POINT, 'repeated'] }],
  sum: [
    7,
    {
      dataPoints: [1, NUMBER_POINT, 'repeated'],
      aggregationTemporality: [2, 'enum'],
      isMonotonic: [3, 'bool'],
    },
  ],
  histogram: [
    9,
    {
      dataPoints: [1, HISTOGRAM_POINT, 'repeated'],
      aggregationTemporality: [2, 'enum'],
    },
  ],
  exponentialHistogram: [
    10,
    {
      dataPoints: [1, EXPONENTIAL_POINT, 'repeated'],
      aggregationTemporality: [2, 'enum'],
    },
  ],
};
const REQUEST: Schema = {
  resourceMetrics: [
    1,
    {
      resource: [1, { attributes: [1, KEY_VALUE, 'repeated'] }],
      scopeMetrics: [
        2,
        {
          scope: [1, { name: [1, 'string'], version: [2, 'string'] }],
          metrics: [2, METRIC, 'repeated'],
          schemaUrl: [3, 'string'],
        },
        'repeated',
      ],
      schemaUrl: [3, 'string'],
    },
    'repeated',
  ],
};

function writeMessage(w: ProtobufWriter, schema: Schema, message: Message) {
  for (const name in message) {
    const value = message[name];
    if (value === undefined) continue;
    const field = schema[name];
    // A mistake in the mapping above, never in the input: fail the export, drop nothing silently.
    if (field === undefined)
      throw new Error(`OTLP metrics encoder: no protobuf field for ${name}`);
    const [number, type, label] = field;
    if (label === 'repeated') {
      for (const item of value as unknown[]) writeField(w, number, type, item);
    } else if (label === 'packed') {
      if ((value as unknown[]).length === 0) continue;
      w.varint((number << 3) | 2);
      const start = w.open(1);
      for (const item of value as unknown[]) writeValue(w, type, item);
      w.close(start, 1);
    } else if (
      label === 'present' ||
      typeof type === 'object' ||
      !(value === 0 || value === 0n || value === '' || value === false)
    ) {
      writeField(w, number, type, value);
    }
  }
}

function writeField(
  w: ProtobufWriter,
  number: number,
  type: Scalar | Schema,
  value: unknown,
) {
  const wireType =
    typeof type === 'object' || type === 'string' || type === 'id'
      ? 2
      : type === 'double' || type === 'fixed64'
        ? 1
        : 0;
  w.varint((number << 3) | wireType);
  writeValue(w, type, value);
}

function writeValue(w: ProtobufWriter, type: Scalar | Schema, value: unknown) {
  if (typeof type === 'object') {
    const start = w.open(1);
    writeMessage(w, type, value as Message);
    w.close(start, 1);
    return;
  }
  switch (type) {
    case 'string':
      w.string(value as string);
      break;
    case 'id':
      w.hexBytes(value as string);
      break;
    case 'bool':
      w.varint(value ? 1 : 0);
      break;
    case 'enum':
    case 'uint64':
      w.varint(Number(value));
      break;
    case 'int64': {
      // Every int64 here came from a JS number, so Number() gives it back exactly.
      const n = Number(value);
      if (n < 0) w.negativeVarint(n);
      else w.varint(n);
      break;
    }
    case 'sint32': {
      const n = value as number;
      w.varint(n >= 0 ? n * 2 : -n * 2 - 1); // zigzag
      break;
    }
    case 'double':
      w.double(value as number);
      break;
    case 'fixed64':
      w.fixed64(value as bigint);
  }
}
