import { spawnSync } from 'node:child_process';
import {
  ADAPTERS,
  startFixture,
  type RunningFixture,
} from './support/fixture-process';
import { scrape } from './support/exposition';
import { hammer } from './support/http';
import {
  startPrometheus,
  type PrometheusServer,
} from './support/prometheus-server';

const P95 =
  'histogram_quantile(0.95, sum by (le) (rate(prs_http_request_duration_seconds_bucket[1m])))';

describe.each(ADAPTERS)('real Prometheus against %s', (adapter) => {
  let app: RunningFixture;
  let prometheus: PrometheusServer;

  beforeAll(async () => {
    app = await startFixture({ adapter, env: { FIXTURE_ACTIVE_USERS: '3' } });
    prometheus = await startPrometheus(
      [
        'global:',
        '  scrape_interval: 1s',
        'scrape_configs:',
        '  - job_name: prs-backend',
        '    metrics_path: /metrics/',
        '    static_configs:',
        `      - targets: ['127.0.0.1:${app.port}']`,
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await prometheus?.stop();
    await app?.stop();
  });

  it('passes promtool check metrics; the only lint is the guide-mandated gauge name', async () => {
    await fetch(app.url('/api/items/1'));
    await fetch(app.url('/nope'));
    const text = await scrape(app.url('/metrics'));
    expect(text).toContain('prs_active_users_total 3');
    const result = spawnSync('promtool', ['check', 'metrics'], {
      input: text,
      encoding: 'utf8',
      timeout: 30_000,
    });
    // Exit 3 is "lint problems" (1 would be a parse error). The guide's contract names the
    // active-users gauge with `_total`, which promtool's naming lint flags; nothing else may appear.
    expect(`${result.stdout}${result.stderr}`.trim()).toBe(
      'prs_active_users_total non-counter metrics should not have "_total" suffix',
    );
    expect(result.status).toBe(3);
    const withoutGauge = text
      .split('\n')
      .filter((line) => !line.includes('prs_active_users_total'))
      .join('\n');
    const clean = spawnSync('promtool', ['check', 'metrics'], {
      input: withoutGauge,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(`${clean.stdout}${clean.stderr}`).toBe('');
    expect(clean.status).toBe(0);
  });

  it('computes p95 between 0.025 and 0.1 s for ~50 ms requests', async () => {
    const until = Date.now() + 8_000;
    let sent = 0;
    while (Date.now() < until) {
      const statuses = await hammer(
        app.url(''),
        40,
        () => '/api/fixture/slow/50',
        8,
      );
      expect(statuses.get(200)).toBe(40);
      sent += 40;
    }
    expect(sent).toBeGreaterThan(100);
    let p95: number | undefined;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const [sample] = await prometheus.query(P95);
      p95 = sample ? Number(sample.value[1]) : undefined;
      if (p95 !== undefined && Number.isFinite(p95)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(p95).toBeGreaterThan(0.025);
    expect(p95).toBeLessThan(0.1);
    const [up] = await prometheus.query('up{job="prs-backend"}');
    expect(up?.value[1]).toBe('1');
  });
});
