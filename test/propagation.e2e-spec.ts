import { randomBytes } from 'node:crypto';
import {
  ADAPTERS,
  startFixture,
  type Adapter,
  type RunningFixture,
} from './support/fixture-process';
import {
  startOtlpReceiver,
  type OtlpReceiver,
  type ReceivedSpan,
} from './support/trace-receivers';

const hexId = (bytes: number): string => randomBytes(bytes).toString('hex');
const SERVER_SPAN = 'GET /api/items/:id';

interface Sent {
  /** The trace id the response names (`X-Trace-Id`). */
  traceId: string;
  /** Whether the response says the request was sampled (`traceresponse: ...-01`). */
  sampled: boolean;
}

async function get(
  app: RunningFixture,
  path: string,
  headers: Record<string, string> = {},
): Promise<Sent> {
  const res = await fetch(app.url(path), { headers });
  await res.arrayBuffer();
  expect(res.status).toBe(200);
  return {
    traceId: res.headers.get('x-trace-id') ?? '',
    sampled: (res.headers.get('traceresponse') ?? '').endsWith('-01'),
  };
}

/** The server span of `traceId`, once exported. */
async function serverSpanOf(
  receiver: OtlpReceiver,
  traceId: string,
): Promise<ReceivedSpan> {
  const match = (s: ReceivedSpan) =>
    s.traceId === traceId && s.kind === 'server';
  const spans = await receiver.waitForSpans((all) => all.some(match), 15_000);
  return spans.find(match)!;
}

/** Runs `count` calls of `send`, 16 at a time. */
async function many<T>(count: number, send: (i: number) => Promise<T>) {
  const results: T[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) results.push(await send(next++));
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return results;
}

async function start(
  adapter: Adapter,
  receiver: OtlpReceiver,
  env: Record<string, string> = {},
): Promise<RunningFixture> {
  return startFixture({
    adapter,
    env: {
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_BSP_MAX_QUEUE_SIZE: '10000',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '1000',
      ...env,
    },
  });
}

describe.each(ADAPTERS)('propagation on %s', (adapter) => {
  let receiver: OtlpReceiver;
  let app: RunningFixture | undefined;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterEach(async () => {
    await app?.stop();
    app = undefined;
    receiver.reset();
  });
  afterAll(() => receiver.close());

  const w3c = () => {
    const traceId = hexId(16);
    const spanId = hexId(8);
    return { traceId, spanId, header: `00-${traceId}-${spanId}-01` };
  };
  const jaeger = () => {
    const traceId = hexId(16);
    const spanId = hexId(8);
    return { traceId, spanId, header: `${traceId}:${spanId}:0:1` };
  };

  it("by default, an incoming traceparent and an incoming uber-trace-id both join the caller's trace; W3C wins when both arrive", async () => {
    app = await start(adapter, receiver);
    const parent = w3c();
    const sent = await get(app, '/api/items/1', { traceparent: parent.header });
    expect(sent.traceId).toBe(parent.traceId);
    const server = await serverSpanOf(receiver, parent.traceId);
    expect(server.parentSpanId).toBe(parent.spanId);
    expect(server.name).toBe(SERVER_SPAN);

    const uber = jaeger();
    expect(
      (await get(app, '/api/items/2', { 'uber-trace-id': uber.header }))
        .traceId,
    ).toBe(uber.traceId);
    expect((await serverSpanOf(receiver, uber.traceId)).parentSpanId).toBe(
      uber.spanId,
    );

    const both = { w3c: w3c(), uber: jaeger() };
    expect(
      (
        await get(app, '/api/items/3', {
          traceparent: both.w3c.header,
          'uber-trace-id': both.uber.header,
        })
      ).traceId,
    ).toBe(both.w3c.traceId);
  });

  it('OTEL_PROPAGATORS=tracecontext: uber-trace-id is ignored (a new trace), traceparent is followed', async () => {
    app = await start(adapter, receiver, { OTEL_PROPAGATORS: 'tracecontext' });
    const uber = jaeger();
    const ignored = await get(app, '/api/items/1', {
      'uber-trace-id': uber.header,
    });
    expect(ignored.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(ignored.traceId).not.toBe(uber.traceId);
    expect(
      (await serverSpanOf(receiver, ignored.traceId)).parentSpanId,
    ).toBeUndefined();

    const parent = w3c();
    await get(app, '/api/items/2', { traceparent: parent.header });
    expect((await serverSpanOf(receiver, parent.traceId)).parentSpanId).toBe(
      parent.spanId,
    );
  });

  it('OTEL_PROPAGATORS=jaeger: traceparent is ignored (a new trace), uber-trace-id is followed', async () => {
    app = await start(adapter, receiver, { OTEL_PROPAGATORS: 'jaeger' });
    const parent = w3c();
    const ignored = await get(app, '/api/items/1', {
      traceparent: parent.header,
    });
    expect(ignored.traceId).not.toBe(parent.traceId);
    expect(
      (await serverSpanOf(receiver, ignored.traceId)).parentSpanId,
    ).toBeUndefined();

    const uber = jaeger();
    await get(app, '/api/items/2', { 'uber-trace-id': uber.header });
    expect((await serverSpanOf(receiver, uber.traceId)).parentSpanId).toBe(
      uber.spanId,
    );
  });
});

const ROOTS = 2_000;
const RATIO = 0.25;
const PARENTED = 200;

describe.each(ADAPTERS)(
  `sampling on %s (parentbased_traceidratio ${RATIO})`,
  (adapter) => {
    let receiver: OtlpReceiver;
    let app: RunningFixture;

    beforeAll(async () => {
      receiver = await startOtlpReceiver();
      app = await start(adapter, receiver, {
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: String(RATIO),
      });
    });
    afterAll(async () => {
      await app?.stop();
      await receiver?.close();
    });

    it(`exports ${RATIO * 100} % ± 5 sigma of ${ROOTS} root requests, every sampled parent's and no unsampled parent's`, async () => {
      const roots = await many(ROOTS, (i) => get(app, `/api/items/root-${i}`));
      const sampledParents = await many(PARENTED, async (i) => {
        const parent = w3c01();
        await get(app, `/api/items/sampled-${i}`, { traceparent: parent });
        return parent.slice(3, 35);
      });
      const unsampledParents = await many(PARENTED, async (i) => {
        const traceId = hexId(16);
        const sent = await get(app, `/api/items/unsampled-${i}`, {
          traceparent: `00-${traceId}-${hexId(8)}-00`,
        });
        expect(sent).toEqual({ traceId, sampled: false });
        return traceId;
      });
      // A last sampled request: once its span arrived, every earlier export has too.
      const marker = w3c01();
      await get(app, '/api/items/marker', { traceparent: marker });
      await serverSpanOf(receiver, marker.slice(3, 35));

      const exported = new Set(
        receiver
          .spans()
          .filter((s) => s.kind === 'server')
          .map((s) => s.traceId),
      );
      const rootsExported = roots.filter((r) => exported.has(r.traceId));
      // Binomial(2,000, 0.25): mean 500, sigma 19.4; ±5 sigma fails by chance < 1e-6.
      const mean = ROOTS * RATIO;
      const sigma = Math.sqrt(ROOTS * RATIO * (1 - RATIO));
      process.stdout.write(
        `sampling ${RATIO} (${adapter}): ${rootsExported.length} of ${ROOTS} root requests exported (expected ${mean} ± ${(5 * sigma).toFixed(0)})\n`,
      );
      expect(rootsExported.length).toBeGreaterThan(mean - 5 * sigma);
      expect(rootsExported.length).toBeLessThan(mean + 5 * sigma);
      // The response's sampled flag says exactly which were exported.
      expect(roots.filter((r) => r.sampled)).toEqual(rootsExported);
      expect(sampledParents.filter((t) => !exported.has(t))).toEqual([]);
      expect(unsampledParents.filter((t) => exported.has(t))).toEqual([]);
      // A sampled request keeps its handler span, a child of its server span; an
      // unsampled one exports no span of any kind.
      const spans = receiver.spans();
      const servers = new Map(
        spans.filter((s) => s.kind === 'server').map((s) => [s.traceId, s]),
      );
      const handlers = spans.filter(
        (s) => s.name === 'ItemsController.findOne',
      );
      expect(handlers).toHaveLength(servers.size);
      for (const handler of handlers)
        expect(handler.parentSpanId).toBe(servers.get(handler.traceId)?.spanId);
      const unexported = new Set([
        ...roots.filter((r) => !r.sampled).map((r) => r.traceId),
        ...unsampledParents,
      ]);
      expect(spans.filter((s) => unexported.has(s.traceId))).toEqual([]);
    });
  },
);

function w3c01(): string {
  return `00-${hexId(16)}-${hexId(8)}-01`;
}
