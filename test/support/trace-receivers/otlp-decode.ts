import {
  attributesOf as attributes,
  decodeOtlpRequest,
  hexId,
  hexToBase64,
  type KeyValue,
  otlpServiceTypes,
} from '../otlp-common';
import { type ReceivedSpan, type ReceivedSpanKind } from './received-span';
import { type DecodedRequest } from './receiver-core';

/** ExportTraceService{Request,Response}, loaded once from the vendored .proto files. */
export const otlpTypes = () => otlpServiceTypes('trace');

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
        resource,
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
  const convert = hexToBase64;
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
  const { request: object, answer } = decodeOtlpRequest(
    'trace',
    body,
    contentType,
    hexIdsToBase64,
  );
  return {
    spans: otlpSpans(object),
    response: { contentType, body: answer },
  };
}
