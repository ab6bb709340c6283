import { ADAPTERS, type RunningFixture } from './support/fixture-process';
import {
  type DemoClient,
  eventGrowth,
  eventually,
  growth,
  jsonLines,
  RUN_ID,
  sampleSum,
  TEST_DATABASE_URL,
} from './support/demo-client';
import { startDemo } from './support/demo-app';
import {
  startOtlpReceiver,
  type OtlpReceiver,
} from './support/trace-receivers';

const HTTP = 'prs_http_requests_total';
const QUERIES = 'prs_database_queries_total';

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
    await api.login('carol');
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

  it('logs in, refuses bad credentials, and records user_login events', async () => {
    const before = await api.metrics();
    const ok = await api.post('/api/auth/login', {
      username: 'bob',
      password: 'prs-demo',
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      token_type: 'Bearer',
      user: { username: 'bob', role: 'sales' },
    });
    const ghost = `ghost-${RUN_ID}`;
    const unknown = await api.post('/api/auth/login', {
      username: ghost,
      password: 'x',
    });
    const wrong = await api.post('/api/auth/login', {
      username: 'bob',
      password: 'nope',
    });
    const invalid = await api.post('/api/auth/login', { username: 'bob' });
    expect([unknown.status, wrong.status, invalid.status]).toEqual([
      401, 401, 400,
    ]);
    expect(invalid.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'Validation failed',
      errors: [
        {
          field: 'password',
          message: 'must be a string of 1 to 128 characters',
        },
      ],
    });
    const after = await api.metrics();
    expect(eventGrowth(before, after, 'user_login')).toEqual({
      success: 1,
      failure: 3,
    });
    expect(
      growth(before, after, HTTP, {
        method: 'POST',
        endpoint: '/api/auth/login',
        status_code: '401',
      }),
    ).toBe(2);
    expect(
      growth(before, after, QUERIES, {
        operation: 'select',
        table: 'prs_demo.users',
      }),
    ).toBe(3);
    const failedLogins = () =>
      jsonLines(app.output()).lines.filter(
        (l) => l.event_type === 'login_failed',
      );
    await eventually(
      () => failedLogins().length >= 2,
      10_000,
      'two login_failed security lines',
    );
    const security = failedLogins();
    expect(security.map((l) => l.reason)).toEqual(
      expect.arrayContaining(['unknown_user', 'bad_password']),
    );
    expect(security[0]).toMatchObject({
      channel: 'security',
      logger: 'security',
      level: 'WARNING',
    });
    expect(security[0]?.username_hash).toMatch(/^[0-9a-f]{16}$/);
    expect(app.output()).not.toContain(ghost);
  });

  it('registers users: 201, then 409 for the same name, 400 when invalid', async () => {
    const username = `e2e-${RUN_ID}-${adapter}`;
    const first = await api.post('/api/auth/register', {
      username,
      password: 'long-enough',
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ username, role: 'sales' });
    expect(
      (
        await api.post('/api/auth/register', {
          username,
          password: 'long-enough',
        })
      ).status,
    ).toBe(409);
    expect(
      (
        await api.post('/api/auth/register', {
          username: 'X',
          password: 'short',
        })
      ).body.errors,
    ).toHaveLength(2);
    expect(await api.login(username, 'long-enough')).toMatch(/^v1\./);
    // alice, carol and bob logged in before, then this user: four distinct users.
    expect(sampleSum(await api.metrics(), 'prs_active_users_total')).toBe(4);
  });

  it('rejects missing, forged and under-privileged tokens with security lines', async () => {
    const deal = { client: 'x', title: 'x', amount: 1, currency: 'USD' };
    expect((await api.post('/api/deals', deal)).status).toBe(401);
    expect((await api.post('/api/deals', deal, `${alice}x`)).status).toBe(401);
    const promoted = alice.replace('.sales.', '.manager.');
    expect((await api.post('/api/deals', deal, promoted)).status).toBe(401);
    expect(
      (
        await api.post(
          '/api/commissions/calculate',
          { period: '2026-01' },
          alice,
        )
      ).status,
    ).toBe(403);
    const events = () =>
      jsonLines(app.output())
        .lines.filter((l) => l.channel === 'security')
        .map((l) => [l.event_type, l.reason]);
    await eventually(
      () => events().some(([, reason]) => reason === 'missing_role'),
      10_000,
      'the security line of the 403',
    );
    expect(events()).toEqual(
      expect.arrayContaining([
        ['authorization_denied', 'missing_token'],
        ['invalid_token', 'malformed'],
        ['invalid_token', 'bad_signature'],
        ['authorization_denied', 'missing_role'],
      ]),
    );
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
