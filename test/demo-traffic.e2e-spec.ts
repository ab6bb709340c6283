import { eventGrowth } from './support/demo-client';
import { type DemoApp, startDemo } from './support/demo-app';
import { traffic, trafficSummary } from './support/demo-traffic';
import { freePort } from './support/prometheus-server';

describe('npm run demo:traffic', () => {
  let demo: DemoApp;
  beforeAll(async () => {
    demo = await startDemo('express');
  }, 120_000);
  afterAll(() => demo?.app.stop());

  it('drives mixed load for 5 s, and the business events move by exactly what it sent', async () => {
    const before = await demo.api.metrics();
    const run = await traffic(demo.app.url(''), [
      '--duration',
      '5s',
      '--rate',
      '25',
      '--json',
    ]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(
      /^demo:traffic summary: \d+ requests in \d+\.\d s/m,
    );
    const summary = trafficSummary(run);
    expect(summary.total).toBeGreaterThan(50);
    // The budget is rate × duration, as the start line and docs/demo.md say.
    expect(run.stdout).toContain('at most 125 requests');
    expect(summary.total).toBeLessThanOrEqual(25 * 5);
    expect([summary.errors, summary.unexpected]).toEqual([0, 0]);
    expect(summary.classes['2xx']).toBeGreaterThan(0);
    const count = (scenario: string, status: number) =>
      summary.scenarios[scenario]?.statuses[String(status)] ?? 0;
    const after = await demo.api.metrics();
    expect(eventGrowth(before, after, 'user_login')).toEqual({
      success: count('setup', 200) + count('login', 200),
      failure: count('login_failed', 401),
    });
    expect(eventGrowth(before, after, 'deal_creation')).toEqual({
      success: count('deal_create', 201),
      failure: count('deal_invalid', 400),
    });
    expect(eventGrowth(before, after, 'payment_processing')).toEqual({
      success: count('payment', 201),
      failure:
        count('payment', 422) +
        count('payment_declined', 402) +
        count('payment_over_balance', 422) +
        count('payment_invalid', 400),
    });
    expect(eventGrowth(before, after, 'commission_calculation')).toEqual({
      success: count('commission_run', 200),
      failure: 0,
    });
    expect(eventGrowth(before, after, 'user_login').success).toBeGreaterThan(0);
  }, 120_000);

  it('follows PORT and HOST as npm run demo does, and says where it is going', async () => {
    // The demo listens on a free port (PORT=0), never the default 3000.
    const port = new URL(demo.app.url('')).port;
    expect(port).not.toBe('3000');
    const run = await traffic({ PORT: port, HOST: '0.0.0.0' }, [
      '--duration',
      '1s',
      '--rate',
      '10',
      '--json',
    ]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain(
      `demo:traffic → http://127.0.0.1:${port} (HOST=0.0.0.0 PORT=${port}) for 1s at 10/s (at most 10 requests,`,
    );
    const summary = trafficSummary(run);
    expect(summary.classes['2xx']).toBeGreaterThan(0);
    expect(summary.total).toBeLessThanOrEqual(10);
    expect([summary.errors, summary.unexpected]).toEqual([0, 0]);
  }, 60_000);

  it('names the address it could not reach and how to point it elsewhere', async () => {
    const closed = await freePort();
    const run = await traffic({ PORT: String(closed) }, ['--duration', '1s']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `no demo answered at http://127.0.0.1:${closed}: ECONNREFUSED`,
    );
    expect(run.stderr).toContain('set the same PORT and HOST here');
  }, 60_000);

  it('refuses a non-loopback target and unbounded runs', async () => {
    const remote = await traffic('http://example.com:3000', []);
    expect(remote.code).toBe(2);
    expect(remote.stderr).toContain('example.com is not a loopback address');
    const lan = await traffic({ HOST: '10.1.2.3', PORT: '4100' }, []);
    expect(lan.code).toBe(2);
    expect(lan.stderr).toContain('10.1.2.3 is not a loopback address');
    const long = await traffic(demo.app.url(''), ['--duration', '2h']);
    expect([long.code, long.stderr]).toEqual([
      2,
      '--duration 2h: must be from 100ms to 1h\n',
    ]);
  }, 60_000);
});
