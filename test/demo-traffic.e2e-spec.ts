import { eventGrowth } from './support/demo-client';
import { type DemoApp, startDemo } from './support/demo-app';
import { traffic, trafficSummary } from './support/demo-traffic';

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
    expect(summary.total).toBeLessThanOrEqual(25 * 5 + 50);
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

  it('refuses a non-loopback target and unbounded runs', async () => {
    const remote = await traffic('http://example.com:3000', []);
    expect(remote.code).toBe(2);
    expect(remote.stderr).toContain('example.com is not a loopback address');
    const long = await traffic(demo.app.url(''), ['--duration', '2h']);
    expect([long.code, long.stderr]).toEqual([
      2,
      '--duration 2h: must be from 100ms to 1h\n',
    ]);
  }, 60_000);
});
