import { decodeOtlpBody } from './support/trace-receivers/otlp-decode';
import { startHttpReceiver } from './support/trace-receivers/receiver-core';
import type { HttpTraceReceiver } from './support/trace-receivers';
import { decodeOtlpRequest } from './support/otlp-common';
import {
  ADAPTERS,
  startFixture,
  type RunningFixture,
} from './support/fixture-process';

// The request as the official opentelemetry-proto definitions decode it (ids base64). The
// vendored trace.proto predates Span.flags and Link.flags, so those two are not compared.
interface KeyValue {
  key: string;
  value: Record<string, unknown>;
}
interface WireSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: KeyValue[];
  events?: { timeUnixNano: string; name: string; attributes?: KeyValue[] }[];
  links?: {
    traceId: string;
    spanId: string;
    attributes?: KeyValue[];
  }[];
  status?: { code?: number; message?: string };
}
interface WireRequest {
  resourceSpans?: {
    scopeSpans?: {
      scope?: { name?: string; version?: string };
      spans?: WireSpan[];
    }[];
  }[];
}

const hex = (base64: string | undefined) =>
  Buffer.from(base64 ?? '', 'base64').toString('hex');
const text = (stringValue: string) => ({ stringValue });
const int = (value: number) => ({ intValue: String(value) });

/** An OTLP receiver that also keeps each request as decoded, every field. */
async function startRawReceiver(): Promise<
  HttpTraceReceiver & { requests_: WireRequest[] }
> {
  const raw: WireRequest[] = [];
  const receiver = await startHttpReceiver({
    path: '/v1/traces',
    decode: (body, contentType) => {
      raw.push(
        decodeOtlpRequest<WireRequest>('trace', body, contentType, (j) => j)
          .request,
      );
      return decodeOtlpBody(body, contentType);
    },
  });
  return Object.assign(receiver, { requests_: raw });
}

function scopeSpans(requests: WireRequest[], scope: string) {
  return requests.flatMap((r) =>
    (r.resourceSpans ?? []).flatMap((rs) =>
      (rs.scopeSpans ?? []).filter((s) => s.scope?.name === scope),
    ),
  );
}

describe.each(ADAPTERS)(
  "users' own @opentelemetry/api spans on %s, over OTLP/protobuf",
  (adapter) => {
    let receiver: Awaited<ReturnType<typeof startRawReceiver>>;
    let app: RunningFixture;
    beforeAll(async () => {
      receiver = await startRawReceiver();
      app = await startFixture({
        adapter,
        env: {
          OTEL_TRACES_EXPORTER: 'otlp',
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.url,
          OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf',
          OTEL_BSP_SCHEDULE_DELAY: '100',
        },
      });
    });
    afterAll(async () => {
      await app?.stop();
      await receiver?.close();
    });

    it('are exported with their attributes, events, links, status, kind, times and nesting unchanged', async () => {
      const res = await fetch(app.url('/api/user-spans'));
      expect(res.status).toBe(200);
      const { traceId } = (await res.json()) as { traceId: string };
      expect(res.headers.get('x-trace-id')).toBe(traceId);
      await receiver.waitForSpans(
        (all) =>
          ['user.checkout', 'user.charge', 'UserSpansController.make'].every(
            (name) => all.some((s) => s.name === name && s.traceId === traceId),
          ),
        15_000,
      );
      const [scoped, ...others] = scopeSpans(
        receiver.requests_,
        'fixture-user-code',
      );
      expect(others).toEqual([]);
      expect(scoped?.scope).toEqual({
        name: 'fixture-user-code',
        version: '2.3.4',
      });
      const spans = scoped?.spans ?? [];
      const parent = spans.find((s) => s.name === 'user.checkout');
      const child = spans.find((s) => s.name === 'user.charge');
      const handler = receiver
        .spans()
        .find((s) => s.name === 'UserSpansController.make');
      expect(hex(parent?.traceId)).toBe(traceId);
      expect(hex(child?.traceId)).toBe(traceId);
      // Nested as made: handler span → user.checkout → user.charge.
      expect(hex(parent?.parentSpanId)).toBe(handler?.spanId);
      expect(hex(child?.parentSpanId)).toBe(hex(parent?.spanId));

      const link = {
        traceId: Buffer.from(
          '4bf92f3577b34da6a3ce929d0e0e4736',
          'hex',
        ).toString('base64'),
      };
      expect({ ...parent, traceId: '', spanId: '', parentSpanId: '' }).toEqual({
        traceId: '',
        spanId: '',
        parentSpanId: '',
        name: 'user.checkout',
        kind: 4, // PRODUCER
        startTimeUnixNano: '1764000000000000100',
        endTimeUnixNano: '1764000000000000600',
        attributes: [
          { key: 'app.text', value: text('naïve ✓') },
          { key: 'app.int', value: int(42) },
          { key: 'app.negative', value: int(-7) },
          { key: 'app.double', value: { doubleValue: 2.5 } },
          { key: 'app.flag', value: { boolValue: true } },
          {
            key: 'app.list',
            value: { arrayValue: { values: [text('a'), text('b')] } },
          },
          {
            key: 'app.numbers',
            value: { arrayValue: { values: [int(1), int(2), int(3)] } },
          },
        ],
        events: [
          {
            timeUnixNano: '1764000000000000200',
            name: 'cart.loaded',
            attributes: [
              { key: 'items', value: int(3) },
              { key: 'currency', value: text('EUR') },
            ],
          },
        ],
        links: [
          {
            ...link,
            spanId: Buffer.from('00f067aa0ba902b7', 'hex').toString('base64'),
            attributes: [
              { key: 'link.reason', value: text('batch') },
              { key: 'link.index', value: int(2) },
            ],
          },
        ],
        status: { code: 1 }, // OK
      });
      const [exception] = child?.events ?? [];
      expect({
        ...child,
        traceId: '',
        spanId: '',
        parentSpanId: '',
        events: [],
      }).toEqual({
        traceId: '',
        spanId: '',
        parentSpanId: '',
        name: 'user.charge',
        kind: 3, // CLIENT
        startTimeUnixNano: '1764000000000000300',
        endTimeUnixNano: '1764000000000000500',
        attributes: [{ key: 'payment.amount', value: int(1999) }],
        events: [],
        links: [
          {
            ...link,
            spanId: Buffer.from('00f067aa0ba902b8', 'hex').toString('base64'),
          },
        ],
        status: { code: 2, message: 'card declined' }, // ERROR
      });
      expect(child?.events).toHaveLength(1);
      expect(exception?.name).toBe('exception');
      expect(exception?.timeUnixNano).toBe('1764000000000000400');
      expect(exception?.attributes?.slice(0, 2)).toEqual([
        { key: 'exception.type', value: text('Error') },
        { key: 'exception.message', value: text('card declined') },
      ]);
      expect(exception?.attributes?.[2]?.key).toBe('exception.stacktrace');
    });
  },
);
