import { createServer, type Server } from 'node:http';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dump } from 'js-yaml';
import { type DemoApp, startDemo } from '../support/demo-app';
import {
  type Daemon,
  type PrometheusServer,
  freePort,
  startAlertmanager,
  startPrometheus,
} from '../support/prometheus-server';
import {
  ALERTMANAGER_FILE,
  REPO_ROOT,
  expectSuccess,
  readYaml,
  run,
  withTempDir,
} from './deploy-tools';

/**
 * The demo's generated SLO rules, live: `prs-observability slo-rules --scale 60` turns
 * every window from hours into minutes (the page tier's 1 h and 5 m become 1 m and
 * 5 s; the objective's 30 d becomes 12 h), a real Prometheus scrapes a fleet of two
 * demo instances (Express and Fastify, one job) every second and loads them, and a real
 * Alertmanager with deploy/'s route tree delivers to a local webhook. Every failing
 * request goes to the Fastify instance. Traffic with 2 % failures (a 4x burn of
 * api-availability's 99.5 % objective, below both page tiers fleet-wide, above the 6x
 * tier on the Fastify instance alone) pages nobody; 25 % failures (50x) page.
 */
const SCALE = 60;
const SLO = 'api-availability';
/** The objective of SLO in apps/demo/slos.yaml; the test reads it to derive the burn rates. */
const OBJECTIVE = 99.5;
const PAGE = 'SloErrorBudgetBurnPage';
const CLI = path.join(
  REPO_ROOT,
  'libs',
  'observability',
  'dist',
  'cli',
  'main.js',
);

interface Alert {
  status: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The demo's objectives generated with scaled windows: file name → content. */
function scaledRules(): Record<string, string> {
  return withTempDir((dir) => {
    expectSuccess(
      run(
        process.execPath,
        [
          CLI,
          'slo-rules',
          '--config',
          path.join(REPO_ROOT, 'apps', 'demo', 'slos.yaml'),
          '--rules-dir',
          'rules',
          '--dashboards-dir',
          'dashboards',
          '--scale',
          String(SCALE),
        ],
        { cwd: dir },
      ),
    );
    const rulesDir = path.join(dir, 'rules');
    return Object.fromEntries(
      fs
        .readdirSync(rulesDir)
        .filter((name) => name.endsWith('.rules.yml'))
        .sort()
        .map((name) => [
          name,
          fs.readFileSync(path.join(rulesDir, name), 'utf8'),
        ]),
    );
  });
}

/** deploy/'s alertmanager.yml with every receiver replaced by `<webhook>/<receiver>`. */
function alertmanagerConfig(webhookUrl: string): string {
  const real = readYaml<{
    route: Record<string, unknown>;
    inhibit_rules?: unknown[];
    receivers: { name: string }[];
  }>(ALERTMANAGER_FILE);
  return dump(
    {
      route: { ...real.route, group_wait: '0s', group_interval: '1s' },
      inhibit_rules: real.inhibit_rules,
      receivers: real.receivers.map(({ name }) => ({
        name,
        webhook_configs: [
          { url: `${webhookUrl}/${name}`, send_resolved: false },
        ],
      })),
    },
    { lineWidth: -1 },
  );
}

describe('SLO burn-rate alerts, live (windows scaled down 60x)', () => {
  let demos: DemoApp[] = [];
  let prometheus: PrometheusServer | undefined;
  let alertmanager: Daemon | undefined;
  let webhook: Server | undefined;
  let webhookUrl = '';
  const received: { path: string; alerts: Alert[] }[] = [];
  /** Percentage of requests sent to the always-failing route. */
  let failPercent = 0;
  let sending = true;
  let traffic: Promise<void> = Promise.resolve();
  const sent = { ok: 0, failed: 0 };

  /**
   * GET /api/debug/fail (to `failing`) for failPercent of every 100 requests, and
   * GET /api/deals to each instance in turn for the others.
   */
  async function sendTraffic(bases: string[], failing: string): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (sending) {
        const n = next++;
        const fail = n % 100 < failPercent;
        const res = await fetch(
          fail
            ? `${failing}/api/debug/fail`
            : `${bases[n % bases.length]}/api/deals`,
          {
            signal: AbortSignal.timeout(10_000),
          },
        );
        await res.arrayBuffer();
        if (res.status !== (fail ? 500 : 200))
          throw new Error(`unexpected status ${res.status}`);
        if (fail) sent.failed++;
        else sent.ok++;
        await sleep(20);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
  }

  const pages = () =>
    received.flatMap(({ path: receiver, alerts }) =>
      alerts
        .filter((a) => a.labels.alertname === PAGE && a.labels.slo === SLO)
        .map((alert) => ({ receiver, alert })),
    );

  beforeAll(async () => {
    webhook = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const payload = JSON.parse(body) as { alerts: Alert[] };
        received.push({ path: req.url ?? '', alerts: payload.alerts });
        res.writeHead(200).end();
      });
    });
    const port = await freePort();
    await new Promise<void>((resolve) =>
      webhook!.listen(port, '127.0.0.1', resolve),
    );
    webhookUrl = `http://127.0.0.1:${port}`;
    const rules = scaledRules();
    expect(Object.keys(rules)).toContain(`prs-backend-${SLO}.rules.yml`);
    demos = await Promise.all([startDemo('express'), startDemo('fastify')]);
    alertmanager = await startAlertmanager(alertmanagerConfig(webhookUrl));
    prometheus = await startPrometheus(
      dump(
        {
          global: {
            scrape_interval: '1s',
            scrape_timeout: '1s',
            evaluation_interval: '1s',
          },
          rule_files: Object.keys(rules),
          alerting: {
            alertmanagers: [
              { static_configs: [{ targets: [alertmanager.address] }] },
            ],
          },
          scrape_configs: [
            {
              job_name: 'prs-backend',
              metrics_path: '/metrics/',
              static_configs: [
                { targets: demos.map((demo) => `127.0.0.1:${demo.app.port}`) },
              ],
            },
          ],
        },
        { lineWidth: -1 },
      ),
      rules,
    );
    const bases = demos.map((demo) => demo.app.url(''));
    traffic = sendTraffic(bases, bases[1]!);
    // Failure-free warm-up until Prometheus has a rate for both instances: before that,
    // the fleet's ratio is the first instance's alone (a start-up transient, not a burn).
    const warm = Date.now() + 60_000;
    for (;;) {
      const [both] = await prometheus.query(
        'count(rate(prs_http_requests_total{endpoint="/api/deals"}[5s]) > 0)',
      );
      if (Number(both?.value[1] ?? 0) >= 2 || Date.now() > warm) break;
      await sleep(500);
    }
    await sleep(5_000);
  }, 180_000);

  afterAll(async () => {
    sending = false;
    await traffic.catch(() => undefined);
    await prometheus?.stop();
    await alertmanager?.stop();
    await Promise.all(demos.map((demo) => demo.app.stop()));
    await new Promise<void>((resolve) =>
      webhook ? webhook.close(() => resolve()) : resolve(),
    );
  });

  it('with 2 % failures (4x the budget rate) no page fires over the whole 1 h window (60 s)', async () => {
    failPercent = 2;
    const budget = 1 - OBJECTIVE / 100;
    const until = Date.now() + 70_000;
    let seenRatio = 0;
    let worstInstance = 0;
    while (Date.now() < until) {
      const alerts = await prometheus!.query(
        `ALERTS{alertname="${PAGE}",slo="${SLO}"}`,
      );
      expect(alerts).toEqual([]);
      const [ratio] = await prometheus!.query(
        `slo:sli_error:ratio_rate1h{slo="${SLO}"}`,
      );
      const value = Number(ratio?.value[1] ?? 0);
      if (Number.isFinite(value)) seenRatio = Math.max(seenRatio, value);
      // What a per-instance rule would see over the 6x tier's short window (30 s).
      for (const sample of await prometheus!.query(
        'sum by (instance) (rate(prs_http_requests_total{status_code=~"5.."}[30s])) / ' +
          'sum by (instance) (rate(prs_http_requests_total[30s]))',
      ))
        worstInstance = Math.max(worstInstance, Number(sample.value[1]));
      await sleep(2_000);
    }
    expect(pages()).toEqual([]);
    // The rules saw the failures, below the lower page threshold (6x the budget rate).
    expect(sent.failed).toBeGreaterThan(10);
    expect(seenRatio).toBeGreaterThan(0);
    expect(seenRatio).toBeLessThan(6 * budget);
    // Only the fleet-wide ratio keeps it quiet: one instance alone burns above 6x.
    expect(worstInstance).toBeGreaterThan(6 * budget);
  }, 120_000);

  it('with 25 % failures (50x) the page alert fires and reaches the paging receiver', async () => {
    failPercent = 25;
    const until = Date.now() + 120_000;
    // deploy/'s critical route delivers to pagerduty-critical and (continue: true)
    // slack-critical, in either order.
    const paged = () =>
      pages().find(({ receiver }) => receiver === '/pagerduty-critical');
    while (paged() === undefined && Date.now() < until) await sleep(1_000);
    const page = paged();
    expect(page).toBeDefined();
    expect(page!.alert.status).toBe('firing');
    expect(page!.alert.labels).toEqual({
      alertname: PAGE,
      severity: 'critical',
      slo_severity: 'page',
      slo: SLO,
      service: 'prs-backend',
      objective: String(OBJECTIVE),
      route: 'all',
    });
    expect(page!.alert.annotations.summary).toBe(
      `SLO ${SLO} of prs-backend burns its error budget too fast (page)`,
    );
    expect(page!.alert.annotations.description).toMatch(
      /^Objective: 99\.5% of all requests not answered with 5xx over 30d\. Errors exceed 14\.4x the budget rate over 1m and 5s, or 6x the budget rate over 6m and 30s\. Error budget left over 12h: -?[\d.]+(e\+\d+)?%\.$/,
    );
    expect(page!.alert.annotations.dashboard).toBe(
      `http://localhost:3000/d/slo-prs-backend?var-slo=${SLO}`,
    );
  }, 150_000);
});
