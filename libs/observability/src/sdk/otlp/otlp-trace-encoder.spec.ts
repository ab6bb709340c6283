import {
  type Attributes,
  context,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
} from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  TracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanLimits,
} from '@opentelemetry/sdk-trace';
import { otlpTypes } from '../../../../../test/support/trace-receivers/otlp-decode';
import { TraceRequestEncoder } from './otlp-trace-encoder';

const encoder = new TraceRequestEncoder();

/** The request as the official definitions decode it, every field present. */
function decode(bytes: Uint8Array): unknown {
  const { request } = otlpTypes();
  return request.toObject(request.decode(bytes), {
    longs: String,
    enums: Number,
    bytes: String,
    defaults: true,
    arrays: true,
  });
}

/** Spans from a real SDK tracer provider, as a BatchSpanProcessor hands them to an exporter. */
function record(
  produce: (provider: TracerProvider) => void,
  options: { service?: string; spanLimits?: SpanLimits } = {},
): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      'service.name': options.service ?? 'prs-backend',
      'service.version': '1.4.0',
      'host.name': 'ünïcode-host',
    }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: exporter })],
    ...(options.spanLimits ? { spanLimits: options.spanLimits } : {}),
  });
  produce(provider);
  return exporter.getFinishedSpans();
}

const REMOTE_PARENT = trace.setSpanContext(ROOT_CONTEXT, {
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  traceFlags: TraceFlags.SAMPLED,
  isRemote: true,
  traceState: new TraceState('vendor=a1,other=b2'),
});

const EVERY_VALUE: Attributes = {
  'http.request.method': 'GET',
  'url.path': '/api/deals/42',
  empty: '',
  'non.ascii': 'naïve ✓ 日本語 😀',
  'long.127': 'x'.repeat(127),
  'long.128': 'y'.repeat(128),
  'long.20000': 'z'.repeat(20_000),
  zero: 0,
  'small.int': 200,
  'negative.int': -5,
  'min.safe': Number.MIN_SAFE_INTEGER,
  'big.int': 2 ** 40 + 7,
  'max.safe': Number.MAX_SAFE_INTEGER,
  'power.of.two': 2 ** 60,
  double: 1.5,
  'negative.double': -0.25,
  nan: Number.NaN,
  infinity: Infinity,
  yes: true,
  no: false,
  strings: ['a', 'ü', ''],
  numbers: [1, 2.5, -3],
  booleans: [true, false],
  'empty.array': [],
  'with.gaps': ['a', null, undefined, 'b'],
  'ключ.unicode': 'value',
};

describe('TraceRequestEncoder', () => {
  it('decodes, with the official definitions, to exactly what OpenTelemetry’s serializer sends', () => {
    const spans = [
      ...record((provider) => {
        const tracer = provider.getTracer('@prs/nestjs-observability', '0.1.0');
        const server = tracer.startSpan(
          'GET /api/deals/:id',
          {
            kind: SpanKind.SERVER,
            attributes: EVERY_VALUE,
            startTime: [1_764_000_000, 123_456_789],
            links: [
              {
                context: trace.getSpanContext(REMOTE_PARENT)!,
                attributes: { 'link.reason': 'retry', n: 2 },
              },
              {
                context: {
                  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
                  spanId: '00f067aa0ba902b7',
                  traceFlags: TraceFlags.NONE,
                },
              },
            ],
          },
          REMOTE_PARENT,
        );
        server.addEvent('exception', {
          'exception.type': 'Error',
          'exception.message': 'boom ✗',
        });
        server.addEvent('no attributes', [1_764_000_000, 999_999_999]);
        server.setStatus({ code: SpanStatusCode.ERROR, message: 'Çа failed' });
        const child = tracer.startSpan(
          'DealsController.findOne',
          { attributes: { 'code.function.name': 'DealsController.findOne' } },
          trace.setSpan(context.active(), server),
        );
        child.setStatus({ code: SpanStatusCode.OK });
        child.end([1_764_000_001, 5]);
        server.end([2 ** 31 + 17, 1]);
        provider
          .getTracer('pg', '1.2.3', { schemaUrl: 'https://x/schemas/1.26' })
          .startSpan('SELECT deals', { kind: SpanKind.CLIENT })
          .end();
        provider.getTracer('no-version').startSpan('internal').end();
      }),
      ...record(
        (provider) => {
          const span = provider.getTracer('limited').startSpan('limited', {
            attributes: { a: 1, b: 2, c: 3, d: 4 },
            kind: SpanKind.PRODUCER,
          });
          for (let i = 0; i < 4; i++) span.addEvent(`event ${i}`);
          span.addLink({ context: trace.getSpanContext(REMOTE_PARENT)! });
          span.addLink({ context: trace.getSpanContext(REMOTE_PARENT)! });
          span.end();
        },
        {
          service: 'other-service',
          spanLimits: {
            attributeCountLimit: 2,
            eventCountLimit: 1,
            linkCountLimit: 1,
          },
        },
      ),
    ];
    expect(spans).toHaveLength(5);
    expect(spans.some((s) => s.droppedAttributesCount > 0)).toBe(true);
    expect(spans.some((s) => s.droppedEventsCount > 0)).toBe(true);
    expect(spans.some((s) => s.droppedLinksCount > 0)).toBe(true);

    const ours = encoder.encode(spans);
    const theirs = ProtobufTraceSerializer.serializeRequest(spans)!;
    const decoded = decode(ours);
    expect(decoded).toEqual(decode(theirs));
    // And the comparison is not vacuous: the batch holds two resources and four scopes.
    const { resourceSpans } = decoded as {
      resourceSpans: { scopeSpans: { spans: unknown[] }[] }[];
    };
    expect(resourceSpans.map((r) => r.scopeSpans.length)).toEqual([3, 1]);
    // Zero-valued counters are left out, so ours is never the larger body.
    expect(ours.length).toBeLessThanOrEqual(theirs.length);

    // Encoded as each span ended (what the batch processor queues for the proto
    // exporter), alone or mixed with spans encoded at export: the same request, byte for byte.
    const ended = encoder.encode(spans.map((s) => encoder.encodeEnded(s)));
    expect(Buffer.from(ended)).toEqual(Buffer.from(ours));
    const mixed = spans.map((s, i) => (i % 2 ? encoder.encodeEnded(s) : s));
    expect(decode(encoder.encode(mixed))).toEqual(decode(theirs));
  });

  it('many spans in one request: lengths of every size class survive the buffer growing', () => {
    const spans = record((provider) => {
      const tracer = provider.getTracer('t');
      for (let i = 0; i < 600; i++)
        tracer
          .startSpan(`span ${i}`, {
            attributes: { i, text: 'é'.repeat(i % 200) },
          })
          .end();
    });
    const theirs = decode(ProtobufTraceSerializer.serializeRequest(spans)!);
    expect(decode(encoder.encode(spans))).toEqual(theirs);
    // Well over 64 KB of spans encoded as they end fill several slabs; each keeps its bytes.
    const ended = spans.map((s) => encoder.encodeEnded(s));
    const slabs = new Set(ended.map((e) => e.bytes.buffer));
    expect(slabs.size).toBeGreaterThan(1);
    expect(decode(encoder.encode(ended))).toEqual(theirs);
  });

  it('a span larger than what is left of a slab is encoded whole (the slab grows), and so are the spans after it', () => {
    const spans = record((provider) => {
      const tracer = provider.getTracer('t');
      for (let i = 0; i < 3; i++)
        tracer
          .startSpan(`big ${i}`, { attributes: { big: 'b'.repeat(100_000) } })
          .end();
      tracer.startSpan('small').end();
    });
    const fresh = new TraceRequestEncoder();
    const ended = spans.map((s) => fresh.encodeEnded(s));
    expect(decode(fresh.encode(ended))).toEqual(
      decode(ProtobufTraceSerializer.serializeRequest(spans)!),
    );
  });

  it('values that repeat (copied from the encoder’s cache), change, come back or sit at the 128-byte boundary encode as OpenTelemetry’s', () => {
    const values: Attributes[] = [
      {
        method: 'GET',
        port: 3000,
        ok: true,
        ratio: 0.5,
        near: 'n'.repeat(118),
      },
      {
        method: 'GET',
        port: 3000,
        ok: true,
        ratio: 0.5,
        near: 'n'.repeat(118),
      },
      {
        method: 'GET',
        port: 3000,
        ok: true,
        ratio: 0.5,
        near: 'n'.repeat(118),
      },
      {
        method: 'POST',
        port: 3001,
        ok: false,
        ratio: 0.25,
        near: 'm'.repeat(122),
      },
      {
        method: 'GET',
        port: 3000,
        ok: true,
        ratio: 0.5,
        near: 'm'.repeat(122),
      },
      {
        method: 'GET',
        port: 3000,
        ok: true,
        ratio: 0.5,
        near: 'm'.repeat(122),
      },
      {
        method: ['GET'],
        port: 3000,
        ok: 'true',
        ratio: 0.5,
        near: 'm'.repeat(122),
      },
      {
        method: ['GET'],
        port: -3000,
        ok: 'true',
        ratio: 0.5,
        near: 'm'.repeat(122),
      },
    ];
    const spans = record((provider) => {
      const tracer = provider.getTracer('t');
      for (const attributes of [...values, ...values]) {
        const span = tracer.startSpan('s', { attributes });
        // The same key in an event: another field, the same KeyValue.
        span.addEvent('e', { method: attributes.method });
        span.end();
      }
    });
    const theirs = decode(ProtobufTraceSerializer.serializeRequest(spans)!);
    const fresh = new TraceRequestEncoder();
    expect(decode(fresh.encode(spans))).toEqual(theirs);
    expect(
      decode(fresh.encode(spans.map((s) => fresh.encodeEnded(s)))),
    ).toEqual(theirs);
  });

  it('a span encoded as it ended keeps nothing of the span but its resource and scope: the queue holds bytes, not span objects', () => {
    const [span] = record((provider) => {
      provider
        .getTracer('t')
        .startSpan('s', { attributes: { method: 'GET' } }, REMOTE_PARENT)
        .end();
    });
    const ended = encoder.encodeEnded(span!);
    const kept = Object.values(ended) as unknown[];
    expect(kept).not.toContain(span);
    expect(kept).not.toContain(span!.spanContext());
    expect(kept.filter((v) => typeof v === 'object')).toEqual([
      span!.resource,
      span!.instrumentationScope,
      expect.any(Buffer),
    ]);
    // The batch processor's check: queued spans are sampled.
    expect(ended.spanContext().traceFlags & TraceFlags.SAMPLED).toBe(
      TraceFlags.SAMPLED,
    );
  });

  it('an empty batch is an empty request', () => {
    expect(encoder.encode([])).toHaveLength(0);
  });
});
