import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startFixture,
  type Adapter,
  type RunningFixture,
} from './support/fixture-process';
import { prepareFixtureTable } from './support/fixture-db';
import { parseSamples } from './support/exposition';
import {
  startPrometheus,
  type PrometheusExemplars,
  type PrometheusServer,
} from './support/prometheus-server';
import {
  startOtlpReceiver,
  type OtlpReceiver,
  type ReceivedSpan,
} from './support/trace-receivers';

/**
 * Span and metric time one request between the same two instants, so their durations
 * agree to the nanosecond rounding of the span's timestamps.
 */
const SAME_INSTANTS_S = 1e-6;
const HTTP_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 2.5, 5, 10,
];
const DB_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
  10,
];
const OPENMETRICS =
  'application/openmetrics-text; version=1.0.0; charset=utf-8';
const TEXT_004 = 'text/plain; version=0.0.4; charset=utf-8';
/** What Prometheus 2.42 sends when scraping. */
const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;

interface AppSpec {
  job: string;
  adapter: Adapter;
  env: Record<string, string>;
}

/**
 * Requests whose durations sit well inside different HTTP buckets (the slow route sleeps),
 * plus two that always query Postgres (no Redis: the same requests give the same series).
 */
const ROUND: { method: 'GET' | 'POST'; path: string; status: number }[] = [
  { method: 'GET', path: '/api/items/1', status: 200 },
  { method: 'GET', path: '/api/fixture/slow/35', status: 200 },
  { method: 'GET', path: '/api/fixture/slow/170', status: 200 },
  { method: 'GET', path: '/api/fixture/slow/350', status: 200 },
  { method: 'GET', path: '/no/such/route', status: 404 },
  { method: 'POST', path: '/api/store/deals', status: 201 },
  { method: 'GET', path: '/api/store/broken', status: 500 },
];
/** Measured rounds, after one warm-up round (a cold first request is slower on every clock). */
const ROUNDS = 4;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function lowerBound(bounds: number[], le: string): number {
  if (le === '+Inf') return bounds.at(-1)!;
  const i = bounds.indexOf(Number(le));
  if (i < 0) throw new Error(`le="${le}" is not a bucket bound`);
  return i === 0 ? 0 : bounds[i - 1]!;
}

const seconds = (span: ReceivedSpan) =>
  Number(span.endTimeUnixNano - span.startTimeUnixNano) / 1e9;

async function metricsText(
  app: RunningFixture,
  accept?: string,
): Promise<{ type: string | null; body: string }> {
  const res = await fetch(app.url('/metrics'), {
    headers: accept === undefined ? {} : { accept },
  });
  expect(res.status).toBe(200);
  return { type: res.headers.get('content-type'), body: await res.text() };
}

function promtool(
  args: string[],
  input?: string,
): { status: number | null; out: string } {
  const result = spawnSync('promtool', args, {
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

/**
 * promtool 2.42's `check metrics` parses text 0.0.4 only (it takes an exemplar for a
 * malformed timestamp). Its OpenMetrics parser, the one Prometheus scrapes with, runs in
 * `tsdb create-blocks-from openmetrics`, which needs a timestamp on every sample: one is
 * put between each sample's value and its exemplar.
 */
function promtoolOpenMetrics(
  openMetrics: string,
  dir: string,
  name: string,
): { status: number | null; out: string } {
  const stamped = openMetrics
    .split('\n')
    .map((line) => {
      if (line === '' || line.startsWith('#')) return line;
      const exemplar = / # \{.*$/.exec(line);
      const sample = exemplar ? line.slice(0, exemplar.index) : line;
      return `${sample} 1700000000.000${exemplar ? exemplar[0] : ''}`;
    })
    .join('\n');
  const file = join(dir, `${name}.om`);
  writeFileSync(file, stamped);
  return promtool([
    'tsdb',
    'create-blocks-from',
    'openmetrics',
    file,
    join(dir, `${name}-blocks`),
  ]);
}

const TRACED = (adapter: Adapter, endpoint: string): AppSpec => ({
  job: `traced-${adapter}`,
  adapter,
  env: {
    OTEL_SERVICE_NAME: `exemplars-${adapter}`,
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: endpoint,
    OTEL_TRACES_SAMPLER: 'always_on',
  },
});

describe('exemplars: OpenMetrics /metrics scraped by a real Prometheus, traces in an OTLP receiver', () => {
  let traces: OtlpReceiver;
  let prometheus: PrometheusServer;
  const apps = new Map<string, RunningFixture>();
  /** Exemplars are queried from here on: after the warm-up round. */
  let measuredFromSec = 0;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'prs-exemplars-'));
    prepareFixtureTable();
    traces = await startOtlpReceiver();
    const specs: AppSpec[] = [
      TRACED('express', traces.url),
      TRACED('fastify', traces.url),
      {
        job: 'untraced-express',
        adapter: 'express',
        env: { OTEL_TRACES_EXPORTER: 'none' },
      },
      {
        job: 'unsampled-fastify',
        adapter: 'fastify',
        env: {
          OTEL_SERVICE_NAME: 'exemplars-unsampled',
          OTEL_TRACES_EXPORTER: 'otlp',
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: traces.url,
          OTEL_TRACES_SAMPLER: 'always_off',
        },
      },
    ];
    await Promise.all(
      specs.map(async (spec) => {
        apps.set(
          spec.job,
          await startFixture({
            adapter: spec.adapter,
            env: { FIXTURE_STORE: '1', ...spec.env },
          }),
        );
      }),
    );
    prometheus = await startPrometheus(
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 1s',
        'scrape_configs:',
        ...specs.flatMap((spec) => [
          `  - job_name: ${spec.job}`,
          '    static_configs:',
          `      - targets: ['127.0.0.1:${apps.get(spec.job)!.port}']`,
        ]),
        '',
      ].join('\n'),
      {},
      { features: ['exemplar-storage'] },
    );
    // The same requests to every app: a warm-up round, then rounds spread over several scrapes.
    const wrong: string[] = [];
    for (let round = -1; round < ROUNDS; round++) {
      if (round === 0) measuredFromSec = Date.now() / 1000;
      await Promise.all(
        [...apps].map(async ([job, app]) => {
          for (const call of ROUND) {
            const res = await fetch(app.url(call.path), {
              method: call.method,
            });
            await res.arrayBuffer();
            if (res.status !== call.status)
              wrong.push(`${job} ${call.method} ${call.path}: ${res.status}`);
          }
        }),
      );
      await sleep(1_100);
    }
    expect(wrong).toEqual([]);
    // Every target scraped after the last request.
    const last = Date.now();
    for (let i = 0; i < 40; i++) {
      const targets = await prometheus.targets();
      if (
        targets.length === specs.length &&
        targets.every((t) => Date.parse(t.lastScrape) > last + 100)
      )
        break;
      await sleep(250);
    }
  });

  afterAll(async () => {
    await prometheus?.stop();
    await Promise.all([...apps.values()].map((app) => app.stop()));
    await traces?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  const exemplarsOf = async (
    metric: string,
    job: string,
  ): Promise<PrometheusExemplars[]> =>
    (
      await prometheus.queryExemplars(
        `${metric}{job="${job}"}`,
        measuredFromSec,
        Math.ceil(Date.now() / 1000) + 5,
      )
    ).filter((s) => s.exemplars.length > 0);

  it('Prometheus scrapes every app in OpenMetrics without an error', async () => {
    const targets = await prometheus.targets();
    expect(
      targets
        .map((t) => `${t.labels.job}: ${t.health} ${t.lastError}`.trim())
        .sort(),
    ).toEqual(
      [
        'traced-express: up',
        'traced-fastify: up',
        'unsampled-fastify: up',
        'untraced-express: up',
      ].sort(),
    );
    const [scraped] = await prometheus.query(
      'sum(prs_http_requests_total{job="traced-express"})',
    );
    expect(Number(scraped?.value[1])).toBe(ROUND.length * (ROUNDS + 1));
  });

  describe.each(['express', 'fastify'] as const)('traced %s', (adapter) => {
    const job = `traced-${adapter}`;

    it('HTTP exemplars are sampled traces whose server span lasted as long as the bucket says', async () => {
      const series = await exemplarsOf(
        'prs_http_request_duration_seconds_bucket',
        job,
      );
      const buckets = new Set(
        series.map((s) => `${s.seriesLabels.endpoint} le=${s.seriesLabels.le}`),
      );
      // The slow route's requests in three distinct buckets at least.
      for (const le of ['0.05', '0.25', '0.5'])
        expect([...buckets]).toContain(`/api/fixture/slow/:ms le=${le}`);
      const exemplars = series.flatMap((s) =>
        s.exemplars.map((e) => ({ series: s.seriesLabels, ...e })),
      );
      expect(exemplars.length).toBeGreaterThanOrEqual(4);
      const spans = await traces.waitForSpans(
        (all) =>
          exemplars.every((e) =>
            all.some(
              (s) =>
                s.traceId === e.labels.trace_id &&
                s.spanId === e.labels.span_id,
            ),
          ),
        15_000,
      );
      for (const exemplar of exemplars) {
        const { trace_id: traceId, span_id: spanId } = exemplar.labels;
        expect(traceId).toMatch(HEX32);
        expect(spanId).toMatch(HEX16);
        const value = Number(exemplar.value);
        const le = exemplar.series.le!;
        const lower = lowerBound(HTTP_BUCKETS, le);
        const upper = le === '+Inf' ? Infinity : Number(le);
        // The exemplar's value is one recorded duration, in the bucket it is attached to.
        expect(value).toBeGreaterThan(lower);
        expect(value).toBeLessThanOrEqual(upper);
        const span = spans.find(
          (s) => s.traceId === traceId && s.spanId === spanId,
        )!;
        expect(span).toMatchObject({
          kind: 'server',
          serviceName: `exemplars-${adapter}`,
        });
        expect(span.attributes['http.route'] ?? 'unmatched').toBe(
          exemplar.series.endpoint,
        );
        // The span measured the same request between the same instants: the very value.
        expect(Math.abs(seconds(span) - value)).toBeLessThan(SAME_INSTANTS_S);
        // Recent: recorded while the measured rounds ran.
        expect(exemplar.timestamp).toBeGreaterThanOrEqual(measuredFromSec);
        expect(exemplar.timestamp).toBeLessThanOrEqual(Date.now() / 1000);
      }
    });

    it('database exemplars name the sampled span that issued the query, whose pg span lasted that long', async () => {
      const series = await exemplarsOf(
        'prs_database_query_duration_seconds_bucket',
        job,
      );
      const exemplars = series.flatMap((s) =>
        s.exemplars.map((e) => ({ series: s.seriesLabels, ...e })),
      );
      // POST /api/store/deals: insert, update, delete (and BEGIN/COMMIT); /broken: an error.
      expect(new Set(exemplars.map((e) => e.series.operation))).toEqual(
        new Set(['insert', 'update', 'delete', 'other', 'error']),
      );
      const queriesUnder = (
        all: ReceivedSpan[],
        traceId: string,
        spanId: string,
      ) =>
        all.filter(
          (s) =>
            s.traceId === traceId &&
            s.parentSpanId === spanId &&
            s.name.startsWith('pg.query'),
        );
      const spans = await traces.waitForSpans(
        (all) =>
          exemplars.every(
            (e) =>
              all.some(
                (s) =>
                  s.traceId === e.labels.trace_id &&
                  s.spanId === e.labels.span_id,
              ) &&
              queriesUnder(all, e.labels.trace_id!, e.labels.span_id!).length >
                0,
          ),
        15_000,
      );
      for (const exemplar of exemplars) {
        const { trace_id: traceId, span_id: spanId } = exemplar.labels;
        expect(traceId).toMatch(HEX32);
        expect(spanId).toMatch(HEX16);
        const value = Number(exemplar.value);
        const le = exemplar.series.le!;
        const lower = lowerBound(DB_BUCKETS, le);
        expect(value).toBeGreaterThan(lower);
        expect(value).toBeLessThanOrEqual(
          le === '+Inf' ? Infinity : Number(le),
        );
        // The span active when the query was issued: the Nest handler's.
        const span = spans.find(
          (s) => s.traceId === traceId && s.spanId === spanId,
        )!;
        expect(span).toMatchObject({
          kind: 'internal',
          name:
            exemplar.series.operation === 'error'
              ? 'StoreController.broken'
              : 'StoreController.create',
          serviceName: `exemplars-${adapter}`,
        });
        // One of its pg query spans took the exemplar's value (timed a little apart: the
        // instrumentation's span and this SDK's metric clock; a GC pause between the two
        // on a loaded box was seen to add ~12 ms).
        const durations = queriesUnder(spans, traceId!, spanId!).map(seconds);
        expect(
          durations.some((d) => Math.abs(d - value) < 0.02 + 0.2 * value),
        ).toBe(true);
        // The query ran inside a request whose server span was exported too.
        expect(
          spans.some((s) => s.traceId === traceId && s.kind === 'server'),
        ).toBe(true);
        expect(exemplar.timestamp).toBeGreaterThanOrEqual(measuredFromSec);
      }
    });

    it('/metrics speaks OpenMetrics 1.0 with exemplars when asked, text 0.0.4 without them otherwise', async () => {
      const app = apps.get(job)!;
      for (const accept of [
        PROMETHEUS_ACCEPT,
        'application/openmetrics-text',
        'application/openmetrics-text; version=1.0.0',
      ]) {
        const om = await metricsText(app, accept);
        expect(`${accept} → ${om.type}`).toBe(`${accept} → ${OPENMETRICS}`);
        expect(om.body.endsWith('# EOF\n') || om.body.endsWith('# EOF')).toBe(
          true,
        );
        expect(om.body.match(/^# EOF$/gm)).toHaveLength(1);
        // OpenMetrics has # UNIT lines; text 0.0.4 must not (checked below).
        expect(om.body).toMatch(
          /^# UNIT prs_http_request_duration_seconds seconds$/m,
        );
        const withExemplars = om.body
          .split('\n')
          .filter((line) => line.includes(' # {'));
        expect(withExemplars.length).toBeGreaterThan(0);
        for (const line of withExemplars)
          expect(line).toMatch(
            /^prs_(http_request|database_query)_duration_seconds_bucket\{(?:[^}]*,)?le="[^"]+"[^}]*\} \d+(\.\d+)? # \{trace_id="[0-9a-f]{32}",span_id="[0-9a-f]{16}"\} [0-9.e+-]+ \d+(\.\d+)?$/,
          );
      }
      for (const accept of [
        undefined,
        'text/plain',
        'text/plain;version=0.0.4',
        '*/*',
      ]) {
        const text = await metricsText(app, accept);
        expect(`${accept} → ${text.type}`).toBe(`${accept} → ${TEXT_004}`);
        expect(text.body).not.toContain('# UNIT');
        expect(text.body).not.toContain(' # {');
        expect(text.body).not.toContain('# EOF');
      }
    });

    it('promtool accepts the live expositions: check metrics the 0.0.4 one, its OpenMetrics parser the other', async () => {
      const app = apps.get(job)!;
      const text = await metricsText(app);
      expect(promtool(['check', 'metrics'], text.body)).toEqual({
        status: 0,
        out: '',
      });
      const om = await metricsText(app, PROMETHEUS_ACCEPT);
      expect(om.body).toContain(' # {trace_id="');
      expect(promtoolOpenMetrics(om.body, dir, job)).toMatchObject({
        status: 0,
      });
      // Control: the same parser refuses the exposition cut short of its # EOF.
      expect(
        promtoolOpenMetrics(om.body.replace(/# EOF\n?$/, ''), dir, `${job}-cut`)
          .status,
      ).not.toBe(0);
      const withoutExemplars = om.body
        .split('\n')
        .map((line) => line.replace(/ # \{.*$/, ''))
        .join('\n');
      // Same samples in both formats (OpenMetrics adds nothing, drops nothing), counter values aside.
      const names = (body: string) =>
        new Set(
          parseSamples(
            body
              .split('\n')
              .filter((l) => !l.startsWith('#'))
              .join('\n'),
          )
            .filter((s) => s.name.startsWith('prs_'))
            .map((s) => `${s.name}${JSON.stringify(s.labels)}`),
        );
      expect(names(withoutExemplars)).toEqual(names(text.body));
    });
  });

  it('Express and Fastify give the same prs_* series for the same requests', async () => {
    const series = async (job: string) =>
      parseSamples((await metricsText(apps.get(job)!)).body)
        .filter(
          (s) =>
            s.name.startsWith('prs_http_') ||
            s.name.startsWith('prs_database_'),
        )
        .map((s) => `${s.name}${JSON.stringify(s.labels)}`)
        .sort();
    const express = await series('traced-express');
    expect(express.length).toBeGreaterThan(20);
    expect(await series('traced-fastify')).toEqual(express);
  });

  it.each([
    ['OTEL_TRACES_EXPORTER=none', 'untraced-express'],
    ['OTEL_TRACES_SAMPLER=always_off', 'unsampled-fastify'],
  ])('%s: no exemplars on /metrics or in Prometheus', async (_what, job) => {
    const [count] = await prometheus.query(
      `sum(prs_http_request_duration_seconds_count{job="${job}"})`,
    );
    expect(Number(count?.value[1])).toBe(ROUND.length * (ROUNDS + 1));
    for (const metric of [
      'prs_http_request_duration_seconds_bucket',
      'prs_database_query_duration_seconds_bucket',
    ])
      expect(await exemplarsOf(metric, job)).toEqual([]);
    const om = await metricsText(apps.get(job)!, PROMETHEUS_ACCEPT);
    expect(om.type).toBe(OPENMETRICS);
    expect(om.body).not.toContain(' # {');
    if (job === 'unsampled-fastify')
      expect(
        traces.spans().filter((s) => s.serviceName === 'exemplars-unsampled'),
      ).toEqual([]);
  });
});
