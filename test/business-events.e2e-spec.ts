import { join } from 'node:path';
import { linesOf, scrape } from './support/exposition';
import {
  ADAPTERS,
  REPO_ROOT,
  runFixtureToExit,
  startFixture,
  type RunningFixture,
} from './support/fixture-process';

const BUSINESS_MAIN = join(
  REPO_ROOT,
  'dist',
  'test',
  'fixtures',
  'business',
  'main.js',
);
const EVENTS = 'prs_business_events_total';

describe.each(ADAPTERS)('business events on %s', (adapter) => {
  let app: RunningFixture;
  const send = async (
    method: string,
    path: string,
    body?: object,
    headers: Record<string, string> = {},
  ) => {
    const res = await fetch(app.url(path), {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json: unknown = await res.json();
    return { status: res.status, body: json };
  };

  beforeAll(async () => {
    app = await startFixture({ adapter, entry: BUSINESS_MAIN });
  });
  afterAll(() => app.stop());

  it('starts with no business event series', async () => {
    expect(linesOf(await scrape(app.url('/metrics')), EVENTS)).toEqual([]);
  });

  it('@Roles + guard still apply in both decorator orders: 403 for a user, 201 for an admin; only admitted calls count', async () => {
    const results: Record<string, number> = {};
    for (const route of ['ours-first', 'ours-last']) {
      for (const role of ['user', 'admin']) {
        const { status } = await send(
          'POST',
          `/api/deals/${route}`,
          { name: 'd' },
          { 'x-role': role },
        );
        results[`${route} as ${role}`] = status;
      }
    }
    expect(results).toEqual({
      'ours-first as user': 403,
      'ours-first as admin': 201,
      'ours-last as user': 403,
      'ours-last as admin': 201,
    });
    expect(linesOf(await scrape(app.url('/metrics')), EVENTS)).toEqual([
      'prs_business_events_total{event_type="deal_creation",status="success"} 2',
    ]);
  });

  it('user_login: false result and 401 count as failures; BusinessEvents.trackUserLogin() too', async () => {
    const calls = [
      await send('POST', '/api/auth/login', { password: 'secret' }),
      await send('POST', '/api/auth/login', { password: 'nope' }),
      await send('POST', '/api/auth/login-strict', { password: 'nope' }),
      await send('POST', '/api/auth/legacy-login', { password: 'nope' }),
      await send('POST', '/api/auth/legacy-login', { password: 'secret' }),
    ];
    expect(calls.map((c) => c.status)).toEqual([200, 200, 401, 200, 200]);
    expect(calls[1]?.body).toEqual({ ok: false });
    const text = await scrape(app.url('/metrics'));
    expect(
      linesOf(text, EVENTS)
        .filter((l) => l.includes('user_login'))
        .sort(),
    ).toEqual([
      'prs_business_events_total{event_type="user_login",status="failure"} 3',
      'prs_business_events_total{event_type="user_login",status="success"} 2',
    ]);
  });

  it('a decorated service method, @OnEvent listeners in both orders, and Observable routes', async () => {
    const paid = await send('POST', '/api/payments', { amount: 100 });
    expect(paid).toEqual({ status: 201, body: { commissions: [1, 5] } });
    expect((await send('POST', '/api/payments', { amount: 0 })).status).toBe(
      400,
    );
    expect(await send('GET', '/api/payments/stream')).toEqual({
      status: 200,
      body: { paid: 1 },
    });
    expect((await send('GET', '/api/payments/stream-error')).status).toBe(400);

    const text = await scrape(app.url('/metrics'));
    expect(linesOf(text, EVENTS).sort()).toEqual(
      [
        'prs_business_events_total{event_type="deal_creation",status="success"} 2',
        'prs_business_events_total{event_type="user_login",status="success"} 2',
        'prs_business_events_total{event_type="user_login",status="failure"} 3',
        'prs_business_events_total{event_type="payment_processing",status="success"} 2',
        'prs_business_events_total{event_type="payment_processing",status="failure"} 2',
        'prs_business_events_total{event_type="commission_calculation",status="success"} 2',
      ].sort(),
    );
    expect(text).toContain(`# TYPE ${EVENTS} counter\n`);
  });
});

describe('business events at bootstrap', () => {
  it('fails with one error listing every invalid businessEvents and activeUsers option', async () => {
    const { code, output } = await runFixtureToExit({
      entry: BUSINESS_MAIN,
      options: {
        businessEvents: { eventTypes: ['user_login', 'Payment'] },
        activeUsers: { windowMs: 5, sourceTimeoutMs: 0 },
      },
    });
    expect(code).not.toBe(0);
    expect(output).toContain(
      'ObservabilityConfigError: ObservabilityModule options validation error (3 problems):\n' +
        '  - businessEvents.eventTypes[1]: must be snake_case matching /^[a-z][a-z0-9_]*$/, at most 64 characters (got "Payment")\n' +
        '  - activeUsers.windowMs: must be an integer from 1000 to 86400000 (got 5)\n' +
        '  - activeUsers.sourceTimeoutMs: must be an integer from 1 to 60000 (got 0)',
    );
    expect(output).not.toContain('FIXTURE_LISTENING');
  });

  it('fails when a decorated provider uses an undeclared event type', async () => {
    const { code, output } = await runFixtureToExit({
      entry: BUSINESS_MAIN,
      env: { BUSINESS_FIXTURE_UNDECLARED: '1' },
    });
    expect(code).not.toBe(0);
    expect(output).toContain(
      'FIXTURE_FAILED ObservabilityConfigError: ObservabilityModule options validation error (1 problem):\n' +
        '  - businessEvents.eventTypes: does not declare "refund_issued", used by @TrackBusinessEvent() on RefundsService.refund; add it to businessEvents.eventTypes',
    );
    expect(output).not.toContain('FIXTURE_LISTENING');
  });

  it('boots once the event type is declared', async () => {
    const app = await startFixture({
      entry: BUSINESS_MAIN,
      env: { BUSINESS_FIXTURE_UNDECLARED: '1' },
      options: {
        businessEvents: {
          eventTypes: [
            'user_login',
            'deal_creation',
            'payment_processing',
            'commission_calculation',
            'refund_issued',
          ],
        },
      },
    });
    await app.stop();
  });
});
