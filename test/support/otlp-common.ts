import { join } from 'node:path';
import { Root, type Type } from 'protobufjs';
import { type ReceivedAttributeValue } from './trace-receivers/received-span';

/** The official opentelemetry-proto definitions vendored for tests (see its README). */
const PROTO_DIR = join(__dirname, 'otlp-proto');

const SERVICES = {
  trace: {
    file: 'opentelemetry/proto/collector/trace/v1/trace_service.proto',
    request: 'opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest',
    response:
      'opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse',
  },
  metrics: {
    file: 'opentelemetry/proto/collector/metrics/v1/metrics_service.proto',
    request:
      'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest',
    response:
      'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse',
  },
} as const;

/** An OTLP signal with a collector service. */
export type OtlpSignal = keyof typeof SERVICES;

const loaded = new Map<OtlpSignal, { request: Type; response: Type }>();

/** The signal's Export…Service{Request,Response}, loaded once from the vendored .proto files. */
export function otlpServiceTypes(signal: OtlpSignal): {
  request: Type;
  response: Type;
} {
  let types = loaded.get(signal);
  if (!types) {
    const service = SERVICES[signal];
    const root = new Root();
    root.resolvePath = (_origin, target) => join(PROTO_DIR, target);
    root.loadSync(service.file);
    types = {
      request: root.lookupType(service.request),
      response: root.lookupType(service.response),
    };
    loaded.set(signal, types);
  }
  return types;
}

/* Common messages as protobufjs `toObject({ longs: String, enums: Number, bytes: String })` gives them. */
export interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string;
  doubleValue?: number;
  bytesValue?: string;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
}
export interface KeyValue {
  key: string;
  value?: AnyValue;
}

function anyValue(
  value: AnyValue | undefined,
): ReceivedAttributeValue | undefined {
  if (!value) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.bytesValue !== undefined) return value.bytesValue; // base64
  if (value.arrayValue)
    return (value.arrayValue.values ?? []).map(anyValue) as string[];
  if (value.kvlistValue)
    return JSON.stringify(attributesOf(value.kvlistValue.values));
  return undefined;
}

/** A KeyValue list as a plain record (arrays as arrays, kvlists as JSON text). */
export function attributesOf(
  list: KeyValue[] | undefined,
): Record<string, ReceivedAttributeValue> {
  const out: Record<string, ReceivedAttributeValue> = {};
  for (const { key, value } of list ?? []) {
    const converted = anyValue(value);
    if (converted !== undefined) out[key] = converted;
  }
  return out;
}

/** base64 id → lowercase hex; absent or all-zero ids (e.g. no parent) → undefined; a wrong length throws. */
export function hexId(
  id: string | undefined,
  bytes: 8 | 16,
  what: string,
): string | undefined {
  const raw = Buffer.from(id ?? '', 'base64');
  if (raw.length === 0 || raw.every((b) => b === 0)) return undefined;
  if (raw.length !== bytes)
    throw new Error(`${what} has ${raw.length} bytes, expected ${bytes}`);
  return raw.toString('hex');
}

/** OTLP/JSON ids are hex (not proto3-JSON base64): one, re-encoded so the schema can take over. */
export function hexToBase64(
  hex: string | undefined,
  what: string,
): string | undefined {
  if (hex === undefined || hex === '') return hex;
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(hex))
    throw new Error(`${what} ${JSON.stringify(hex)} is not hex`);
  return Buffer.from(hex, 'hex').toString('base64');
}

/**
 * Decodes one `POST /v1/<signal>` body by its Content-Type, as an OTLP/HTTP collector
 * does, and makes the empty success answer in the same encoding. Both encodings go through
 * the official schema: protobuf via `decode`, OTLP/JSON via `fromObject` (int64 as string
 * or number, enums as numbers or names) after `hexIdsToBase64` rewrote its ids. Unknown
 * content types throw with status 415.
 */
export function decodeOtlpRequest<T>(
  signal: OtlpSignal,
  body: Buffer,
  contentType: string,
  hexIdsToBase64: (json: T) => T,
): { request: T; answer: Uint8Array | string } {
  const { request, response } = otlpServiceTypes(signal);
  let message;
  let answer: Uint8Array | string;
  if (contentType === 'application/x-protobuf') {
    message = request.decode(body);
    answer = response.encode(response.create({})).finish();
  } else if (contentType === 'application/json') {
    const json = JSON.parse(body.toString('utf8')) as T;
    message = request.fromObject(hexIdsToBase64(json) as object);
    answer = JSON.stringify(response.toObject(response.create({})));
  } else {
    throw Object.assign(
      new Error(`unsupported Content-Type ${contentType || '(none)'}`),
      { status: 415 },
    );
  }
  return {
    request: request.toObject(message, {
      longs: String,
      enums: Number,
      bytes: String,
    }) as T,
    answer,
  };
}
