import { createSocket } from 'node:dgram';
import {
  spanTree,
  startJaegerUdpReceiver,
  startOtlpReceiver,
  type ReceivedSpan,
  type TraceReceiver,
} from './support/trace-receivers';
import * as fixture from './support/trace-receivers/conformance';
import {
  startExporterThread,
  type ExporterThread,
} from './support/trace-receivers/exporter-thread';

let receiver: TraceReceiver | undefined;
let thread: ExporterThread | undefined;
afterEach(async () => {
  await thread?.terminate();
  await receiver?.close();
  thread = receiver = undefined;
});

describe('trace receivers decode what the real exporters send', () => {
  it.each(fixture.PROTOCOLS)(
    '$name: ids, links, kinds, attributes, status, events',
    async (protocol) => {
      const started = await protocol.start();
      receiver = started;
      thread = startExporterThread(
        protocol.exporter(started),
        fixture.RESOURCE,
      );
      const { sent } = await thread.exportTree(fixture.TREE);
      const received = await started.waitForSpans(3, 5000);

      expect(received).toHaveLength(3);
      expect(spanTree(received)).toEqual(fixture.EXPECTED_TREE);
      const jaeger = protocol.name.startsWith('Jaeger');
      for (const span of sent) {
        const got = received.find((r) => r.spanId === span.spanId);
        expect(got).toEqual(fixture.expectedSpan(span, jaeger));
      }
      // The expectations are what the tree put in, so an empty `sent` cannot pass vacuously.
      expect(
        sent.map(
          (s) =>
            `${s.name} ${fixture.KINDS[s.kind]} ${fixture.STATUS[s.status.code]}`,
        ),
      ).toEqual([
        'SELECT deals client error',
        'DealsService.findOne internal ok',
        'GET /api/deals/:id server unset',
      ]);
      const child = received.find((s) => s.name === fixture.TREE.child.name);
      expect(child?.events).toEqual([fixture.TREE.child.event]);
      const requests = started.requests();
      expect(requests.reduce((n, r) => n + r.count, 0)).toBe(3);
      for (const request of requests) {
        expect(request).toEqual({
          contentType: protocol.contentType,
          count: expect.any(Number),
          ...(protocol.contentEncoding
            ? { contentEncoding: protocol.contentEncoding }
            : {}),
          ...(protocol.contentType.endsWith('udp')
            ? {}
            : { status: jaeger ? 202 : 200 }),
        });
      }
    },
    30_000,
  );
});

describe('OTLP receiver fault modes, against the real OTLP/HTTP protobuf exporter', () => {
  const start = async (
    mode: Parameters<typeof startOtlpReceiver>[0],
    timeoutMillis: number,
  ) => {
    const otlp = await startOtlpReceiver(mode);
    receiver = otlp;
    thread = startExporterThread({
      kind: 'otlp-proto',
      url: otlp.url,
      timeoutMillis,
    });
    return { otlp, exporter: thread };
  };

  it('failWith 503: the exporter retries inside its timeout, then reports FAILED', async () => {
    const { otlp, exporter } = await start({ failWith: 503 }, 1500);
    const outcome = await exporter.exportOne('rejected');
    expect(outcome.code).toBe('FAILED');
    expect(outcome.ms).toBeLessThan(1500 + 1000);
    expect(otlp.requests().length).toBeGreaterThanOrEqual(1);
    expect(
      otlp.requests().every((r) => r.status === 503 && r.count === 0),
    ).toBe(true);
    expect(otlp.spans()).toEqual([]);
  }, 15_000);

  it('failWith 400: FAILED after a single request; setMode({}) heals the receiver', async () => {
    const { otlp, exporter } = await start({ failWith: 400 }, 5000);
    expect(await exporter.exportOne('rejected')).toMatchObject({
      code: 'FAILED',
    });
    expect(otlp.requests().map((r) => r.status)).toEqual([400]);
    otlp.setMode({});
    expect(await exporter.exportOne('accepted')).toMatchObject({
      code: 'SUCCESS',
    });
    expect(otlp.spans().map((s) => s.name)).toEqual(['accepted']);
  }, 15_000);

  it('delayMs: a slow collector still succeeds inside the timeout', async () => {
    const { otlp, exporter } = await start({ delayMs: 300 }, 3000);
    const outcome = await exporter.exportOne('slow');
    expect(outcome.code).toBe('SUCCESS');
    expect(outcome.ms).toBeGreaterThanOrEqual(290);
    expect(otlp.requests()).toEqual([
      { contentType: 'application/x-protobuf', count: 1, status: 200 },
    ]);
  }, 15_000);

  it('blackhole: the exporter gives up after its timeoutMillis with FAILED', async () => {
    const { otlp, exporter } = await start({ blackhole: true }, 500);
    const outcome = await exporter.exportOne('lost');
    expect(outcome).toMatchObject({
      code: 'FAILED',
      error: expect.stringMatching(/timed out/i),
    });
    expect(outcome.ms).toBeGreaterThanOrEqual(450);
    expect(outcome.ms).toBeLessThan(500 + 1500);
    expect(otlp.requests()).toEqual([
      { contentType: 'application/x-protobuf', count: 0 },
    ]);
  }, 15_000);

  it('close() drops held and keep-alive connections: no TCP handle outlives it', async () => {
    const baseline = fixture.tcpHandles();
    const { otlp, exporter } = await start({}, 800);
    expect(await exporter.exportOne('kept-alive')).toMatchObject({
      code: 'SUCCESS',
    });
    otlp.setMode({ blackhole: true });
    const held = exporter.exportOne('held');
    await fixture.waitUntil(
      () => otlp.requests().length === 2,
      2000,
      'the held request',
    );
    // listener + the exporter's kept-alive connection, now holding a request
    expect(fixture.tcpHandles()).toBeGreaterThanOrEqual(baseline + 2);
    await otlp.close();
    // Gone as soon as close() resolves (the exporter runs on another thread, not counted here).
    expect(fixture.tcpHandles()).toBeLessThanOrEqual(baseline);
    expect((await held).code).toBe('FAILED');
  }, 15_000);
});

describe('receivers reject what a real collector or agent would', () => {
  it('OTLP: unknown content type → 415; base64 ids in OTLP/JSON → 400', async () => {
    const otlp = await startOtlpReceiver();
    receiver = otlp;
    const post = (type: string, body: string) =>
      fetch(otlp.url, {
        method: 'POST',
        headers: { 'Content-Type': type },
        body,
      }).then((r) => r.status);
    const span = {
      traceId: Buffer.alloc(16, 1).toString('base64'),
      spanId: Buffer.alloc(8, 2).toString('base64'),
      name: 'x',
    };
    const json = JSON.stringify({
      resourceSpans: [{ scopeSpans: [{ spans: [span] }] }],
    });
    expect(await post('text/plain', 'hello')).toBe(415);
    expect(await post('application/json', json)).toBe(400);
    expect(otlp.requests()[1]?.error).toMatch(/traceId .* is not hex/);
    expect(otlp.spans()).toEqual([]);
  });

  it('Jaeger agent: a compact-protocol datagram is reported, not half-decoded', async () => {
    const agent = await startJaegerUdpReceiver();
    receiver = agent;
    const client = createSocket('udp4');
    await new Promise((resolve) =>
      client.send(
        Buffer.from([0x82, 0x81, 0x00, 0x09]),
        agent.port,
        agent.host,
        resolve,
      ),
    );
    client.close();
    await fixture.waitUntil(
      () => agent.requests().length === 1,
      2000,
      'the datagram',
    );
    expect(agent.requests()[0]?.error).toMatch(
      /compact protocol is not supported/,
    );
  });
});

describe('spanTree', () => {
  const span = (
    spanId: string,
    start: number,
    parentSpanId?: string,
  ): ReceivedSpan => ({
    traceId: 'a'.repeat(32),
    spanId,
    ...(parentSpanId ? { parentSpanId } : {}),
    name: spanId,
    kind: 'internal',
    serviceName: 's',
    attributes: {},
    status: { code: 'unset' },
    startTimeUnixNano: BigInt(start),
    endTimeUnixNano: BigInt(start + 1),
    events: [],
  });
  it('roots orphans and orders children by start time', () => {
    const spans = [
      span('c2', 30, 'r'),
      span('orphan', 5, 'missing'),
      span('c1', 20, 'r'),
      span('r', 10),
    ];
    expect(spanTree(spans)).toEqual([
      { name: 'orphan', children: [] },
      {
        name: 'r',
        children: [
          { name: 'c1', children: [] },
          { name: 'c2', children: [] },
        ],
      },
    ]);
  });
});
