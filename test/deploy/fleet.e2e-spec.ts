import { dump } from 'js-yaml';
import * as path from 'node:path';
import { type DemoApp, startDemo } from '../support/demo-app';
import { eventually } from '../support/demo-client';
import type { Adapter } from '../support/fixture-process';
import {
  type PrometheusServer,
  startPrometheus,
} from '../support/prometheus-server';
import {
  ALERTS_FILE,
  PROMETHEUS_DIR,
  RECORDING_FILE,
  readYaml,
  type Rule,
  type RuleFile,
} from './deploy-tools';
import { histogramQuantile, queryAt } from './fleet-queries';

/**
 * A simulated fleet (docs/fleet.md): four demo instances on loopback (two Express, two
 * Fastify) scraped by one real Prometheus every second with the real `prs-backend`
 * scrape job, the real recording rules (their `[5m]` windows unchanged) and the real
 * HighErrorRate expression with `for: 5s` instead of `5m`.
 *
 * The `[5m]` windows: all of the test's traffic lies inside them, so rate() is about
 * (increase over the traffic) / 300 s. The recorded values are compared with what the
 * raw per-instance series give at the rule's own evaluation timestamp (read with
 * `timestamp()`), summed and divided, or turned into a quantile, here in TypeScript. The
 * instances are stopped first: while they are scraped, a scrape that started just before
 * an evaluation may be stored just after it, so a later raw query would see one sample
 * more than the rule did.
 */

const FLEET: Adapter[] = ['express', 'fastify', 'express', 'fastify'];
const JOB = 'prs-backend';
const ALERT = 'HighErrorRate';
/**
 * Failures sent to instance 0 over about 10 s: rate(...[5m]) of them is about 0.5/s,
 * five times the fleet objective of 0.1/s.
 */
const FAILURES = 150;
/** Successful reads sent to every instance. */
const READS_PER_INSTANCE = 60;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function expectSameNumber(actual: number, expected: number): void {
  // Same rates, summed in another order: equal but for floating-point rounding.
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(
    1e-9 * Math.max(1, Math.abs(expected)),
  );
}

describe('a fleet of four demo instances under one Prometheus with the deploy rules', () => {
  let demos: DemoApp[] = [];
  let prometheus: PrometheusServer | undefined;
  const instances = () => demos.map((demo) => `127.0.0.1:${demo.app.port}`);
  const prom = () => prometheus!;

  beforeAll(async () => {
    demos = await Promise.all(
      FLEET.map((adapter) =>
        startDemo(adapter, { OTEL_TRACES_EXPORTER: 'none' }),
      ),
    );
    const real = readYaml<{ scrape_configs: { job_name: string }[] }>(
      path.join(PROMETHEUS_DIR, 'prometheus.yml'),
    ).scrape_configs.find((job) => job.job_name === JOB);
    expect(real).toBeDefined();
    const alert = readYaml<RuleFile>(ALERTS_FILE)
      .groups.flatMap((group) => group.rules)
      .find((rule) => rule.alert === ALERT) as Rule;
    const config = {
      global: {
        scrape_interval: '1s',
        scrape_timeout: '1s',
        evaluation_interval: '1s',
      },
      rule_files: [RECORDING_FILE, 'fleet-alert.rules.yml'],
      scrape_configs: [
        {
          ...real,
          static_configs: [{ targets: instances() }],
          scrape_interval: '1s',
          scrape_timeout: '1s',
        },
      ],
    };
    const alertFile = {
      groups: [{ name: 'fleet-alert', rules: [{ ...alert, for: '5s' }] }],
    };
    prometheus = await startPrometheus(dump(config, { lineWidth: -1 }), {
      'fleet-alert.rules.yml': dump(alertFile, { lineWidth: -1 }),
    });
  }, 240_000);

  afterAll(async () => {
    await Promise.all([
      prometheus?.stop(),
      ...demos.map((demo) => demo.app.stop()),
    ]);
  }, 60_000);

  /**
   * GETs `route` `count` times on `demo`, `parallel` at a time, each waiting `pauseMs`
   * after a response; returns the statuses seen.
   */
  async function send(
    demo: DemoApp,
    route: string,
    count: number,
    parallel = 4,
    pauseMs = 0,
  ) {
    const statuses = new Set<number>();
    let left = count;
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        while (left-- > 0) {
          statuses.add((await demo.api.get(route)).status);
          if (pauseMs > 0) await sleep(pauseMs);
        }
      }),
    );
    return [...statuses];
  }

  it('healthy fleet: every instance scraped, fleet error ratio 0, HighErrorRate silent', async () => {
    // A counter series appears with its first request, and rate() ignores the value it
    // appears with: a few requests first, scraped, then the traffic that is measured.
    for (const demo of demos) await send(demo, '/api/deals?limit=5', 4);
    await eventually(
      async () =>
        (
          await prom().query(
            `count by (instance) (prs_http_requests_total{job="${JOB}"})`,
          )
        ).length === FLEET.length,
      60_000,
      `the fleet's requests were not scraped within 60 s:\n${prom().output()}`,
    );
    for (const demo of demos)
      expect(
        await send(demo, '/api/deals?limit=5', READS_PER_INSTANCE),
      ).toEqual([200]);
    // 0/0 (NaN) until a scrape after the traffic has been evaluated.
    await eventually(
      async () => {
        const [ratio] = await prom().query('prs:fleet_http_error_ratio');
        return ratio !== undefined && ratio.value[1] !== 'NaN';
      },
      60_000,
      `no fleet error ratio recorded within 60 s:\n${prom().output()}`,
    );
    const [ratio] = await prom().query('prs:fleet_http_error_ratio');
    expect(ratio?.metric).toEqual({
      __name__: 'prs:fleet_http_error_ratio',
      job: JOB,
    });
    expect(Number(ratio?.value[1])).toBe(0);
    await sleep(6_000); // longer than the alert's `for`
    expect(await prom().query(`ALERTS{alertname="${ALERT}"}`)).toEqual([]);
  }, 120_000);

  it(`one instance failing: ${ALERT} fires once for the job; the fleet rules equal the raw per-instance series`, async () => {
    const [failing, ...healthy] = demos;
    // As above: the 5xx series must exist in Prometheus before the failures it measures.
    expect(await send(failing!, '/api/debug/fail', 1)).toEqual([500]);
    await eventually(
      async () =>
        (
          await prom().query(
            `prs_http_requests_total{job="${JOB}",status_code="500"}`,
          )
        ).length === 1,
      60_000,
      `the first 5xx was not scraped within 60 s:\n${prom().output()}`,
    );
    const [failures] = await Promise.all([
      send(failing!, '/api/debug/fail', FAILURES, 1, 50),
      ...healthy.map((demo) =>
        send(demo, '/api/deals?limit=5', READS_PER_INSTANCE),
      ),
    ]);
    expect(failures).toEqual([500]);

    await eventually(
      async () =>
        (await prom().query(`ALERTS{alertname="${ALERT}",alertstate="firing"}`))
          .length > 0,
      60_000,
      `${ALERT} did not fire within 60 s:\n${prom().output()}`,
    );
    const firing = await prom().query(
      `ALERTS{alertname="${ALERT}",alertstate="firing"}`,
    );
    expect(firing.map((sample) => sample.metric)).toEqual([
      {
        __name__: 'ALERTS',
        alertname: ALERT,
        alertstate: 'firing',
        job: JOB,
        severity: 'critical',
        service: 'prs-backend',
      },
    ]);

    // Stop the fleet, then let every scrape and evaluation in flight settle.
    const stoppedAt = Date.now() / 1000;
    await Promise.all(demos.map((demo) => demo.app.stop()));
    await sleep(5_000);
    const at = Date.now() / 1000 - 2;
    const evaluated = async (record: string) => {
      const [sample] = await queryAt(prom(), `timestamp(${record})`, at);
      expect(sample).toBeDefined();
      const time = Number(sample!.value[1]);
      expect(time).toBeGreaterThan(stoppedAt + 1);
      const [recorded] = await queryAt(prom(), record, time);
      expect(recorded?.metric).toEqual({ __name__: record, job: JOB });
      return { time, value: Number(recorded!.value[1]) };
    };

    // Error ratio: 5xx rate over all instances / request rate over all instances.
    const ratio = await evaluated('prs:fleet_http_error_ratio');
    const rates = await queryAt(
      prom(),
      `rate(prs_http_requests_total{job="${JOB}"}[5m])`,
      ratio.time,
    );
    let errors = 0;
    let total = 0;
    const erring = new Set<string>();
    for (const { metric, value } of rates) {
      const rate = Number(value[1]);
      total += rate;
      if (/^5/.test(metric.status_code ?? '')) {
        errors += rate;
        erring.add(metric.instance!);
      }
    }
    expect([...erring]).toEqual([instances()[0]]);
    expect(new Set(rates.map((s) => s.metric.instance))).toEqual(
      new Set(instances()),
    );
    expect(errors).toBeGreaterThan(0.1); // the fleet objective is broken
    expect(ratio.value).toBeGreaterThan(0);
    expect(ratio.value).toBeLessThan(1);
    expectSameNumber(ratio.value, errors / total);

    // p95: bucket rates of every instance summed by `le`, then one quantile.
    const p95 = await evaluated('prs:fleet_http_request_duration_95th');
    const bucketRates = await queryAt(
      prom(),
      `rate(prs_http_request_duration_seconds_bucket{job="${JOB}"}[5m])`,
      p95.time,
    );
    const byLe = new Map<number, number>();
    const perInstance = new Set<string>();
    for (const { metric, value } of bucketRates) {
      const le = metric.le === '+Inf' ? Infinity : Number(metric.le);
      byLe.set(le, (byLe.get(le) ?? 0) + Number(value[1]));
      perInstance.add(metric.instance!);
    }
    expect(perInstance).toEqual(new Set(instances()));
    expect(p95.value).toBeGreaterThan(0);
    expectSameNumber(p95.value, histogramQuantile(0.95, byLe));
  }, 180_000);
});
