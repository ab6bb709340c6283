import { ADAPTERS, type RunningFixture } from './support/fixture-process';
import {
  type DemoClient,
  eventGrowth,
  eventually,
  growth,
  jsonLines,
  RUN_ID,
  sampleSum,
} from './support/demo-client';
import { startDemo } from './support/demo-app';

const HTTP = 'prs_http_requests_total';
const QUERIES = 'prs_database_queries_total';

describe.each(ADAPTERS)('PRS demo auth on %s', (adapter) => {
  let app: RunningFixture;
  let api: DemoClient;
  let alice: string;

  beforeAll(async () => {
    ({ app, api } = await startDemo(adapter));
    alice = await api.login('alice');
    await api.login('carol');
  }, 120_000);
  afterAll(() => app?.stop());

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
});
