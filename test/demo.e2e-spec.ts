import { ADAPTERS, type RunningFixture } from './support/fixture-process';
import {
  type DemoClient,
  eventually,
  growth,
  jsonLines,
  TEST_DATABASE_URL,
} from './support/demo-client';
import { startDemo } from './support/demo-app';
import {
  startOtlpReceiver,
  type OtlpReceiver,
} from './support/trace-receivers';

const HTTP = 'prs_http_requests_total';

// Boot, health, the failing route, logs and traces. Auth, deals and payments have
// their own files (demo-auth, demo-deals, demo-payments).
describe.each(ADAPTERS)('PRS demo on %s', (adapter) => {
  let app: RunningFixture;
  let otlp: OtlpReceiver;
  let api: DemoClient;
  let alice: string;

  beforeAll(async () => {
    otlp = await startOtlpReceiver();
    ({ app, api } = await startDemo(adapter, {
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${otlp.port}/v1/traces`,
    }));
    alice = await api.login('alice');
  }, 120_000);
  afterAll(async () => {
    await app?.stop();
    await otlp?.close();
  });

  it('boots with JSON logs and says where to look', () => {
    const { lines, other } = jsonLines(app.output());
    expect(other).toEqual([]);
    const messages = lines.map((l) => l.message as string);
    expect(messages).toContain(
      `PRS demo (${adapter}) listening on ${app.url('')}`,
    );
    expect(messages).toContain(`Metrics: ${app.url('/metrics')}`);
    expect(messages).toContain(
      `Health: ${app.url('/api/health/')} (full report), ${app.url('/health/ready')} (readiness), ${app.url('/health/live')} (liveness)`,
    );
    expect(messages).toContain(
      `Traces: OTLP http://127.0.0.1:${otlp.port}/v1/traces as service.name "prs-backend"`,
    );
    expect(messages).toContain(`Database: Postgres at ${TEST_DATABASE_URL}`);
    expect(messages).toContain(
      'Cache: Redis at redis://127.0.0.1:6379 (deal reads cached 60 s)',
    );
    expect(messages).toContain('Starting Nest application...');
  });

  it('answers the health probes (not counted as traffic)', async () => {
    const live = await api.get('/health/live');
    expect([live.status, live.body]).toEqual([200, { status: 'alive' }]);
    const ready = await api.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'ready',
      checks: {
        database: { healthy: true, details: 'Database connectivity OK' },
        cache: { healthy: true, details: 'Cache connectivity OK' },
      },
    });
    const full = await api.get('/api/health/');
    expect(full.status).toBe(200);
    expect(full.body).toMatchObject({
      status: 'healthy',
      checks: {
        database: { healthy: true },
        cache: { healthy: true },
        disk: { healthy: true },
        external_services: { healthy: true, services: {} },
        application: { healthy: true, deal_count: expect.any(Number) },
      },
    });
    expect(await api.metrics()).not.toMatch(/endpoint="[^"]*health/);
  });

  it('fails GET /api/debug/fail with a 500, an ERROR line and a counted 5xx', async () => {
    const before = await api.metrics();
    const replies = [
      await api.get('/api/debug/fail'),
      await api.get('/api/debug/fail'),
    ];
    expect(replies.map((r) => [r.status, r.body])).toEqual([
      [500, { statusCode: 500, message: 'Internal server error' }],
      [500, { statusCode: 500, message: 'Internal server error' }],
    ]);
    const after = await api.metrics();
    expect(
      growth(before, after, HTTP, {
        method: 'GET',
        endpoint: '/api/debug/fail',
        status_code: '500',
      }),
    ).toBe(2);
    await eventually(
      () =>
        jsonLines(app.output()).lines.filter(
          (l) => l.logger === 'http' && l.request?.route === '/api/debug/fail',
        ).length === 2,
      10_000,
      'two request lines for /api/debug/fail',
    );
    const { lines } = jsonLines(app.output());
    const failures = lines.filter((l) => l.logger === 'ExceptionsHandler');
    expect(failures).toHaveLength(2);
    expect(failures[0]).toMatchObject({
      level: 'ERROR',
      error: {
        type: 'Error',
        message: 'Simulated failure for alert testing (GET /api/debug/fail)',
      },
    });
    const requests = lines.filter(
      (l) => l.logger === 'http' && l.request?.route === '/api/debug/fail',
    );
    expect(requests.map((l) => [l.level, l.request.status])).toEqual([
      ['ERROR', 500],
      ['ERROR', 500],
    ]);
  });

  it('ties a response to its request log line and its exported trace', async () => {
    const deal = await api.createDeal(alice);
    const res = await api.get(`/api/deals/${deal.id}`);
    expect([res.status, res.headers.get('x-cache')]).toEqual([200, 'MISS']);
    const traceId = res.headers.get('x-trace-id') ?? '';
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(res.headers.get('traceresponse')).toMatch(
      new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`),
    );
    const correlation = res.headers.get('x-correlation-id');
    const line = () =>
      jsonLines(app.output()).lines.find(
        (l) => l.logger === 'http' && l.correlation_id === correlation,
      );
    await eventually(
      () => line() !== undefined,
      10_000,
      'request line of the deal read',
    );
    expect(line()).toMatchObject({
      trace_id: traceId,
      request: { method: 'GET', route: '/api/deals/:id', status: 200 },
    });
    const spans = await otlp.waitForSpans(
      (all) =>
        all.some(
          (s) => s.traceId === traceId && s.name === 'GET /api/deals/:id',
        ),
      30_000,
    );
    const trace = spans.filter((s) => s.traceId === traceId);
    expect(new Set(trace.map((s) => s.serviceName))).toEqual(
      new Set(['prs-backend']),
    );
    const names = trace.map((s) => s.name);
    expect(names).toEqual(
      expect.arrayContaining(['GET /api/deals/:id', 'DealsController.findOne']),
    );
    const queries = trace
      .filter((s) => s.kind === 'client')
      .map((s) => [
        s.attributes['db.system.name'],
        s.attributes['db.query.text'],
      ]);
    expect(queries).toEqual(
      expect.arrayContaining([
        [
          'postgresql',
          expect.stringContaining('FROM prs_demo.deals WHERE id = $1'),
        ],
        ['redis', expect.stringMatching(/^get prs-demo:[0-9a-f]+:deal:\d+$/)],
        ['redis', expect.stringMatching(/^set prs-demo:/)],
      ]),
    );
  });
});
