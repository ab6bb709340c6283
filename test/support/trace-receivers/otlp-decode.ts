import { join } from 'node:path';
import { Root, type Type } from 'protobufjs';
import {
  type ReceivedAttributeValue,
  type ReceivedSpan,
  type ReceivedSpanKind,
} from './received-span';
import { type DecodedRequest } from './receiver-core';

/** The official opentelemetry-proto definitions vendored for tests (see its README). */
const PROTO_DIR = join(__dirname, '..', 'otlp-proto');
const SERVICE = 'opentelemetry.proto.collector.trace.v1';

let types: { request: Type; response: Type } | undefined;

/** ExportTraceService{Request,Response}, loaded once from the vendored .proto files. */
export function otlpTypes(): { request: Type; response: Type } {
  if (!types) {
    const root = new Root();
    root.resolvePath = (_origin, target) => join(PROTO_DIR, target);
    root.loadSync('opentelemetry/proto/collector/trace/v1/trace_service.proto');
    types = {
      request: root.lookupType(`${SERVICE}.ExportTraceServiceRequest`),
      response: root.lookupType(`${SERVICE}.ExportTraceServiceResponse`),
    };
  }
  return types;
}

/* The request as protobufjs `toObject({ longs: String, enums: Number, bytes: String })` gives it. */
interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string;
  doubleValue?: number;
  bytesValue?: string;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
}
interface KeyValue {
  key: string;
  value?: AnyValue;
}
interface OtlpSpan {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  links?: { traceId?: string; spanId?: string }[];
  name?: string;
  kind?: number;
  startTimeUnixNano?: string;
  endTimeUnixNano?: string;
  attributes?: KeyValue[];
  events?: { name?: string; attributes?: KeyValue[] }[];
  status?: { code?: number; message?: string };
}
interface OtlpRequest {
  resourceSpans?: {
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: { spans?: OtlpSpan[] }[];
  }[];
}

const KINDS = 'unspecified internal server client producer consumer'.split(
  ' ',
) as ReceivedSpanKind[];
const STATUS = ['unset', 'ok', 'error'] as const;

function anyValue(
  value: AnyValue | undefined,
): ReceivedAttributeValue | undefined {
  if (!value) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.bytesValue !== undefined) return value.bytesValue; // base64
  if (value.arrayValue) {
    return (value.arrayValue.values ?? []).map(anyValue) as string[];
  }
  if (value.kvlistValue) {
    return JSON.stringify(attributes(value.kvlistValue.values));
  }
  return undefined;
}

function attributes(
  list: KeyValue[] | undefined,
): Record<string, ReceivedAttributeValue> {
  const out: Record<string, ReceivedAttributeValue> = {};
  for (const { key, value } of list ?? []) {
    const converted = anyValue(value);
    if (converted !== undefined) out[key] = converted;
  }
  return out;
}

/** base64 id → lowercase hex; absent/all-zero ids (e.g. no parent) → undefined. */
function hexId(
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

/** Normalises a decoded ExportTraceServiceRequest into ReceivedSpans. */
function otlpSpans(request: OtlpRequest): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const resourceSpans of request.resourceSpans ?? []) {
    const resource = attributes(resourceSpans.resource?.attributes);
    const serviceName = String(resource['service.name'] ?? '');
    for (const span of (resourceSpans.scopeSpans ?? []).flatMap(
      (s) => s.spans ?? [],
    )) {
      const parentSpanId = hexId(span.parentSpanId, 8, 'parentSpanId');
      const message = span.status?.message;
      out.push({
        traceId: hexId(span.traceId, 16, 'traceId') ?? '',
        spanId: hexId(span.spanId, 8, 'spanId') ?? '',
        ...(parentSpanId ? { parentSpanId } : {}),
        name: span.name ?? '',
        kind: KINDS[span.kind ?? 0] ?? 'unspecified',
        serviceName,
        attributes: attributes(span.attributes),
        status: {
          code: STATUS[span.status?.code ?? 0] ?? 'unset',
          ...(message ? { message } : {}),
        },
        startTimeUnixNano: BigInt(span.startTimeUnixNano ?? 0),
        endTimeUnixNano: BigInt(span.endTimeUnixNano ?? 0),
        events: (span.events ?? []).map((e) => ({
          name: e.name ?? '',
          attributes: attributes(e.attributes),
        })),
      });
    }
  }
  return out;
}

/** OTLP/JSON ids are hex (not proto3-JSON base64); re-encode them so the schema can take over. */
function hexIdsToBase64(request: OtlpRequest): OtlpRequest {
  const convert = (hex: string | undefined, what: string) => {
    if (hex === undefined || hex === '') return hex;
    if (!/^(?:[0-9a-fA-F]{2})+$/.test(hex)) {
      throw new Error(`${what} ${JSON.stringify(hex)} is not hex`);
    }
    return Buffer.from(hex, 'hex').toString('base64');
  };
  for (const span of (request.resourceSpans ?? []).flatMap((r) =>
    (r.scopeSpans ?? []).flatMap((s) => s.spans ?? []),
  )) {
    span.traceId = convert(span.traceId, 'traceId');
    span.spanId = convert(span.spanId, 'spanId');
    span.parentSpanId = convert(span.parentSpanId, 'parentSpanId');
    for (const link of span.links ?? []) {
      link.traceId = convert(link.traceId, 'link traceId');
      link.spanId = convert(link.spanId, 'link spanId');
    }
  }
  return request;
}

/**
 * Decodes one `POST /v1/traces` body by its Content-Type, as an OTLP/HTTP collector does.
 * Both encodings go through the official schema: protobuf via `decode`, OTLP/JSON via
 * `fromObject` (int64 as string or number, enums as numbers or names) after the hex-id step.
 */
export function decodeOtlpBody(
  body: Buffer,
  contentType: string,
): DecodedRequest {
  const { request, response } = otlpTypes();
  let message;
  let answer: Uint8Array | string;
  if (contentType === 'application/x-protobuf') {
    message = request.decode(body);
    answer = response.encode(response.create({})).finish();
  } else if (contentType === 'application/json') {
    const json = JSON.parse(body.toString('utf8')) as OtlpRequest;
    message = request.fromObject(hexIdsToBase64(json));
    answer = JSON.stringify(response.toObject(response.create({})));
  } else {
    throw Object.assign(
      new Error(`unsupported Content-Type ${contentType || '(none)'}`),
      {
        status: 415,
      },
    );
  }
  const object = request.toObject(message, {
    longs: String,
    enums: Number,
    bytes: String,
  });
  return {
    spans: otlpSpans(object),
    response: { contentType, body: answer },
  };
}
