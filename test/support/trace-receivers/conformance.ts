import {
  type ExporterSpec,
  type SentSpan,
  type TreeSpec,
} from './exporter-thread';
import {
  startJaegerHttpReceiver,
  startJaegerUdpReceiver,
} from './jaeger-receiver';
import { startOtlpReceiver } from './otlp-receiver';
import { type TraceReceiver } from './span-store';

/** Test data and expectations for test/trace-receivers.e2e-spec.ts. */
export const RESOURCE = {
  'service.name': 'deals-api',
  'service.version': '1.2.3',
};

/** Every attribute type, including the proto3 defaults ('' / 0 / false) a lossy codec would drop. */
export const TREE: TreeSpec = {
  root: {
    name: 'GET /api/deals/:id',
    attributes: {
      'http.request.method': 'GET',
      'http.response.status_code': 200,
    },
  },
  child: {
    name: 'DealsService.findOne',
    attributes: {
      'deal.id': 'd-42',
      'deal.note': '',
      'deal.items': 3,
      'deal.discount': 0,
      'deal.score': 0.75,
      'deal.hot': true,
      'deal.cached': false,
      'deal.tags': ['hot', 'b2b'],
    },
    event: {
      name: 'cache.miss',
      attributes: { 'cache.key': 'deal:42', attempt: 1 },
    },
  },
  client: {
    name: 'SELECT deals',
    attributes: { 'db.system.name': 'postgresql', 'server.port': 5432 },
    error: 'connection reset',
  },
};

export const EXPECTED_TREE = [
  {
    name: TREE.root.name,
    children: [
      {
        name: TREE.child.name,
        children: [{ name: TREE.client.name, children: [] }],
      },
    ],
  },
];

export const KINDS = ['internal', 'server', 'client', 'producer', 'consumer'];
export const STATUS = ['unset', 'ok', 'error'];

/** The Jaeger exporter's µs: float hrTimeToMicroseconds, fraction dropped by node-int64. */
const micros = ([s, ns]: [number, number]) =>
  BigInt(Math.trunc(s * 1e6 + ns / 1e3));
const nanos = ([s, ns]: [number, number]) =>
  BigInt(s) * 1_000_000_000n + BigInt(ns);

/** The Jaeger exporter stringifies arrays and copies resource attributes into every span's tags. */
const asJaegerTags = (span: SentSpan) =>
  Object.fromEntries(
    Object.entries({ ...span.attributes, ...span.resource }).map(([k, v]) => [
      k,
      Array.isArray(v) ? String(v) : v,
    ]),
  );

/** The ReceivedSpan a faithful receiver must produce for what the SDK handed the exporter. */
export function expectedSpan(span: SentSpan, jaeger: boolean) {
  const { code, message } = span.status;
  const start = micros(span.startTime);
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
    name: span.name,
    kind: KINDS[span.kind],
    serviceName: RESOURCE['service.name'],
    // OTLP carries the resource map (the SDK adds its telemetry.sdk.* keys); Jaeger does not.
    ...(jaeger ? {} : { resource: expect.objectContaining(RESOURCE) }),
    attributes: jaeger ? asJaegerTags(span) : span.attributes,
    status: { code: STATUS[code], ...(message ? { message } : {}) },
    // Jaeger carries microseconds (start + duration); OTLP carries nanoseconds.
    startTimeUnixNano: jaeger ? start * 1000n : nanos(span.startTime),
    endTimeUnixNano: jaeger
      ? (start + micros(span.duration)) * 1000n
      : nanos(span.endTime),
    events: span.events,
  };
}

/** Each wire protocol: its receiver, the exporter config aimed at it, what requests look like. */
export interface Protocol {
  name: string;
  contentType: string;
  contentEncoding?: string;
  start(): Promise<TraceReceiver & { url?: string; host?: string }>;
  exporter(to: { url?: string; host?: string; port: number }): ExporterSpec;
}
export const PROTOCOLS: Protocol[] = [
  ...(['otlp-proto', 'otlp-json'] as const).flatMap((kind) =>
    (['none', 'gzip'] as const).map((compression) => ({
      name: `OTLP/HTTP ${kind === 'otlp-proto' ? 'protobuf' : 'JSON'}${compression === 'gzip' ? ' (gzip)' : ''}`,
      contentType:
        kind === 'otlp-proto' ? 'application/x-protobuf' : 'application/json',
      ...(compression === 'gzip' ? { contentEncoding: 'gzip' } : {}),
      start: () => startOtlpReceiver(),
      exporter: ({ url = '' }) => ({ kind, url, compression }),
    })),
  ),
  {
    name: 'Jaeger thrift over HTTP (collector /api/traces)',
    contentType: 'application/x-thrift',
    start: () => startJaegerHttpReceiver(),
    exporter: ({ url }) => ({
      kind: 'jaeger',
      endpoint: url,
      flushTimeout: 500,
    }),
  },
  {
    name: 'Jaeger agent over UDP (binary Agent.emitBatch)',
    contentType: 'thrift-binary/udp',
    start: () => startJaegerUdpReceiver(),
    exporter: ({ host, port }) => ({
      kind: 'jaeger',
      host,
      port,
      flushTimeout: 500,
    }),
  },
];

/** Live TCP listeners and sockets on this thread (what --detectOpenHandles would report). */
export const tcpHandles = (): number =>
  process
    .getActiveResourcesInfo()
    .filter((r) => r === 'TCPServerWrap' || r === 'TCPSocketWrap').length;

/** Polls `condition` every 10 ms; rejects after `timeoutMs`. */
export async function waitUntil(
  condition: () => boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !condition();) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs}ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
