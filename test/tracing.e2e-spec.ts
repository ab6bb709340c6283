import {
  startJaegerHttpReceiver,
  startJaegerUdpReceiver,
  startOtlpReceiver,
  spanTree,
  type ReceivedSpan,
  type TraceReceiver,
} from './support/trace-receivers';
import {
  FIXTURE_ESM_MAIN,
  FIXTURE_MAIN,
  startFixture,
  type Adapter,
  type RunningFixture,
} from './support/fixture-process';
import { clearFixtureCache, prepareFixtureTable } from './support/fixture-db';
import { hammer } from './support/http';

const SERVER = 'GET /api/store/deals/:id';

const json = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'bigint' ? v.toString() : v,
  );

function traceOf(spans: ReceivedSpan[], traceId: string): ReceivedSpan[] {
  return spans.filter((s) => s.traceId === traceId);
}

function byName(spans: ReceivedSpan[], name: string): ReceivedSpan {
  const found = spans.find((s) => s.name === name);
  if (!found)
    throw new Error(
      `no span named ${name} among ${spans.map((s) => s.name).join(', ')}`,
    );
  return found;
}

/** Requests the cached-deal route with a cold cache; returns the trace id the response carries. */
async function tracedRequest(
  app: RunningFixture,
  path: string,
  expectedStatus: number,
): Promise<string> {
  clearFixtureCache();
  const res = await fetch(app.url(path));
  expect(res.status).toBe(expectedStatus);
  const traceId = res.headers.get('x-trace-id') ?? '';
  expect(traceId).toMatch(/^[0-9a-f]{32}$/);
  expect(res.headers.get('traceresponse')).toMatch(
    new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`),
  );
  return traceId;
}

async function expectStoreTrace(
  receiver: TraceReceiver,
  traceId: string,
  handler: string,
): Promise<void> {
  const spans = traceOf(
    await receiver.waitForSpans(
      (all) => traceOf(all, traceId).some((s) => s.name === SERVER),
      15_000,
    ),
    traceId,
  );
  const server = byName(spans, SERVER);
  const handlerSpan = byName(spans, handler);
  expect(server.parentSpanId).toBeUndefined();
  expect(server.kind).toBe('server');
  expect(server.serviceName).toBe('prs-fixture');
  expect(server.attributes['http.route']).toBe('/api/store/deals/:id');
  expect(handlerSpan.parentSpanId).toBe(server.spanId);
  expect(handlerSpan.kind).toBe('internal');

  const query = spans.find((s) => s.name.startsWith('pg.query'));
  expect(query?.parentSpanId).toBe(handlerSpan.spanId);
  expect(query?.kind).toBe('client');
  expect(
    query?.attributes['db.system'] ?? query?.attributes['db.system.name'],
  ).toBe('postgresql');
  const statement = String(
    query?.attributes['db.query.text'] ?? query?.attributes['db.statement'],
  );
  expect(statement).toBe(
    'SELECT id, title FROM fixture_deals WHERE id = $1 AND title <> ?',
  );
  expect(json(spans)).not.toContain('secret-literal');
  expect(
    Object.keys(query?.attributes ?? {}).some(
      (k) => k.includes('parameters') || k.includes('values'),
    ),
  ).toBe(false);

  const redis = spans.filter(
    (s) =>
      s.attributes['db.system'] === 'redis' ||
      s.attributes['db.system.name'] === 'redis',
  );
  expect(redis.map((s) => s.name)).toEqual(
    expect.arrayContaining(['get', 'set']),
  );
  for (const command of redis.filter(
    (s) => s.name === 'get' || s.name === 'set',
  )) {
    expect(command.parentSpanId).toBe(handlerSpan.spanId);
  }
  expect(json(redis)).not.toContain('"title":"first"');
  // The trace is one tree under the server span.
  const tree = spanTree(spans);
  expect(tree).toHaveLength(1);
  expect(tree[0]?.name).toBe(SERVER);
  expect(tree[0]?.children.map((c) => c.name)).toEqual([handler]);
}

const MATRIX: [Adapter, 'cjs' | 'esm', 'http/protobuf' | 'http/json'][] = [
  ['express', 'cjs', 'http/protobuf'],
  ['fastify', 'cjs', 'http/protobuf'],
  ['express', 'esm', 'http/protobuf'],
  ['fastify', 'esm', 'http/json'],
];

describe.each(MATRIX)(
  'traces over OTLP: %s, %s entry, %s',
  (adapter, entry, protocol) => {
    let receiver: TraceReceiver & { url: string };
    let app: RunningFixture;
    const handler =
      entry === 'esm'
        ? 'EsmStoreController.findOne'
        : 'StoreController.findOne';

    beforeAll(async () => {
      prepareFixtureTable();
      receiver = await startOtlpReceiver();
      app = await startFixture({
        adapter,
        entry: entry === 'esm' ? FIXTURE_ESM_MAIN : FIXTURE_MAIN,
        env: {
          FIXTURE_STORE: '1',
          OTEL_SERVICE_NAME: 'prs-fixture',
          OTEL_TRACES_EXPORTER: 'otlp',
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.url,
          OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: protocol,
        },
      });
    });
    afterAll(async () => {
      await app?.stop();
      await receiver?.close();
    });

    it('sends one trace: server span → Nest handler span → pg query and Redis command spans', async () => {
      const traceId = await tracedRequest(app, '/api/store/deals/1', 200);
      await expectStoreTrace(receiver, traceId, handler);
      const contentType =
        protocol === 'http/json'
          ? 'application/json'
          : 'application/x-protobuf';
      expect(
        receiver.requests().every((r) => r.contentType.startsWith(contentType)),
      ).toBe(true);
    });

    if (entry === 'cjs') {
      it('marks the failing query, the handler and the 500 server span as errors', async () => {
        const res = await fetch(app.url('/api/store/broken'));
        expect(res.status).toBe(500);
        const traceId = res.headers.get('x-trace-id') ?? '';
        const spans = traceOf(
          await receiver.waitForSpans(
            (all) =>
              traceOf(all, traceId).some(
                (s) => s.name === 'GET /api/store/broken',
              ),
            15_000,
          ),
          traceId,
        );
        expect(byName(spans, 'GET /api/store/broken').status.code).toBe(
          'error',
        );
        expect(byName(spans, 'StoreController.broken').status).toEqual({
          code: 'error',
          message: 'relation "fixture_no_such_table" does not exist',
        });
        expect(
          spans.find((s) => s.name.startsWith('pg.query'))?.status.code,
        ).toBe('error');
      });

      it('delivers every span of a burst when SIGTERM arrives right after it', async () => {
        receiver.reset();
        const statuses = await hammer(
          app.url(''),
          300,
          (i) => `/api/items/${i}`,
          10,
        );
        expect(statuses.get(200)).toBe(300);
        await app.stop(); // SIGTERM; Nest's shutdown hooks flush the SDK
        const servers = receiver
          .spans()
          .filter((s) => s.name === 'GET /api/items/:id');
        expect(servers).toHaveLength(300);
        expect(
          receiver.spans().filter((s) => s.name === 'ItemsController.findOne'),
        ).toHaveLength(300);
      });
    }
  },
);

describe.each([
  ['collector over HTTP', 'http'],
  ['agent over UDP', 'udp'],
] as const)('traces as Jaeger thrift to the %s', (_label, transport) => {
  let receiver: TraceReceiver;
  let app: RunningFixture;

  beforeAll(async () => {
    prepareFixtureTable();
    const env: Record<string, string> = {
      FIXTURE_STORE: '1',
      OTEL_SERVICE_NAME: 'prs-fixture',
      OTEL_TRACES_EXPORTER: 'jaeger',
    };
    if (transport === 'http') {
      const http = await startJaegerHttpReceiver();
      receiver = http;
      env.OTEL_EXPORTER_JAEGER_ENDPOINT = http.url;
    } else {
      const udp = await startJaegerUdpReceiver();
      receiver = udp;
      env.OTEL_EXPORTER_JAEGER_AGENT_HOST = '127.0.0.1';
      env.OTEL_EXPORTER_JAEGER_AGENT_PORT = String(udp.port);
    }
    app = await startFixture({ adapter: 'express', env });
  });
  afterAll(async () => {
    await app?.stop();
    await receiver?.close();
  });

  it('reconstructs the same span tree', async () => {
    const traceId = await tracedRequest(app, '/api/store/deals/1', 200);
    await expectStoreTrace(receiver, traceId, 'StoreController.findOne');
  });
});

// The module's HTTP hook starts and names the server span, whichever of metrics and
// logging (which shape the hook's work per request) is on.
describe.each([
  ['express', 'metrics off', { metrics: { enabled: false } }],
  ['fastify', 'metrics off', { metrics: { enabled: false } }],
  ['express', 'logging off', { logging: { enabled: false } }],
  ['fastify', 'logging off', { logging: { enabled: false } }],
] as const)('traces on %s with %s', (adapter, _label, options) => {
  let receiver: TraceReceiver & { url: string };
  let app: RunningFixture;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    app = await startFixture({
      adapter,
      env: {
        FIXTURE_OPTIONS: JSON.stringify(options),
        OTEL_SERVICE_NAME: 'prs-fixture',
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.url,
      },
    });
  });
  afterAll(async () => {
    await app?.stop();
    await receiver?.close();
  });

  it('names the server span after the route, and an unmatched path after its method only', async () => {
    expect((await fetch(app.url('/metrics'))).status).toBe(
      'metrics' in options ? 404 : 200,
    );
    const matched = await fetch(app.url('/api/items/42?token=s3cr3t'));
    expect(matched.status).toBe(200);
    const unmatched = await fetch(app.url('/api/no/such/path'));
    expect(unmatched.status).toBe(404);
    const ids = [matched, unmatched].map(
      (r) => r.headers.get('x-trace-id') ?? '',
    );
    const spans = await receiver.waitForSpans(
      (all) =>
        ids.every((id) => traceOf(all, id).some((s) => s.kind === 'server')),
      15_000,
    );
    const [route, none] = ids.map((id) =>
      traceOf(spans, id).find((s) => s.kind === 'server'),
    );
    expect(route?.name).toBe('GET /api/items/:id');
    expect(route?.attributes).toEqual({
      'http.request.method': 'GET',
      'url.scheme': 'http',
      'url.path': '/api/items/42',
      'network.protocol.version': '1.1',
      'server.address': '127.0.0.1',
      'server.port': Number(new URL(app.url('')).port),
      'network.peer.address': '127.0.0.1',
      'user_agent.original': expect.any(String) as string,
      'http.route': '/api/items/:id',
      'http.response.status_code': 200,
      ...('logging' in options
        ? {}
        : { correlation_id: expect.any(String) as string }),
    });
    expect(json(spans)).not.toContain('s3cr3t');
    const handler = traceOf(spans, ids[0] ?? '').find(
      (s) => s.parentSpanId === route?.spanId,
    );
    expect(handler?.name).toBe('ItemsController.findOne');
    expect(handler?.attributes).toEqual({
      'code.function.name': 'ItemsController.findOne',
    });
    expect(none?.name).toBe('GET');
    expect(none?.attributes['http.route']).toBeUndefined();
    expect(none?.attributes['http.response.status_code']).toBe(404);
  });
});
