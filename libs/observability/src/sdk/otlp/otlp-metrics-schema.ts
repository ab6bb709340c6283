import type { ProtobufWriter } from './protobuf-writer';

/**
 * The protobuf side of the OTLP metrics encoder: the field numbers of
 * opentelemetry/proto/metrics/v1/metrics.proto (and common/resource), and a writer led by
 * them. `otlp-metrics-encoder.ts` builds the request once as OTLP/JSON names it; this
 * writes that same object, so the two wire forms cannot drift apart.
 */

/** An OTLP message as OTLP/JSON names its fields; 64-bit integers are bigint. */
export type OtlpMessage = { readonly [field: string]: unknown };

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

/** Writes an ExportMetricsServiceRequest given as OTLP/JSON names it (64-bit integers as bigint). */
export function writeMetricsRequest(
  w: ProtobufWriter,
  request: OtlpMessage,
): void {
  writeMessage(w, REQUEST, request);
}

function writeMessage(w: ProtobufWriter, schema: Schema, message: OtlpMessage) {
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
    writeMessage(w, type, value as OtlpMessage);
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
