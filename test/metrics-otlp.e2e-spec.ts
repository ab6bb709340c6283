import { spawn } from 'node:child_process';
import { join } from 'node:path';
import {
  ADAPTERS,
  FIXTURE_MAIN,
  REGISTER,
  REPO_ROOT,
  startFixture,
  type Adapter,
  type RunningFixture,
} from './support/fixture-process';
import { clearFixtureCache, prepareFixtureTable } from './support/fixture-db';
import { parseSamples, scrape } from './support/exposition';
import {
  startOtlpReceiver,
  type OtlpReceiver,
} from './support/trace-receivers';
import {
  asExposition,
  sampleKey,
  startMetricReceiver,
  sumDeltas,
  type MetricReceiver,
  type MetricSeries,
  type ReceivedMetricsExport,
} from './support/metric-receiver';

/** The no-flag entry that calls startObservability(FIXTURE_SDK_OPTIONS) before the app. */
const SDK_OPTIONS_MAIN = join(
  REPO_ROOT,
  'dist',
  'test',
  'fixtures',
  'sdk-options-main.js',
);
const HTTP_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 2.5, 5, 10,
];
const INTERVAL_MS = 250;

interface Call {
  method: 'GET' | 'POST';
  path: string;
  times: number;
  status: number;
}

/** Several routes and statuses, a slow one, and routes that query Postgres (and Redis). */
const MIX: Call[] = [
  { method: 'GET', path: '/api/items/1', times: 5, status: 200 },
  { method: 'GET', path: '/api/v1/deals/7', times: 3, status: 200 },
  { method: 'POST', path: '/api/items', times: 2, status: 201 },
  { method: 'GET', path: '/no/such/route', times: 2, status: 404 },
  { method: 'GET', path: '/api/fixture/conflict', times: 1, status: 409 },
  { method: 'GET', path: '/api/fixture/crash', times: 1, status: 500 },
  { method: 'GET', path: '/api/fixture/slow/60', times: 2, status: 200 },
  { method: 'GET', path: '/api/store/deals/1', times: 2, status: 200 },
  { method: 'POST', path: '/api/store/deals', times: 1, status: 201 },
  { method: 'GET', path: '/api/store/broken', times: 1, status: 500 },
];

/** Sends `calls` one at a time; every answer must have the expected status. */
async function send(app: RunningFixture, calls: Call[]): Promise<void> {
  const wrong: string[] = [];
  for (const call of calls) {
    for (let i = 0; i < call.times; i++) {
      const res = await fetch(app.url(call.path), { method: call.method });
      await res.arrayBuffer();
      if (res.status !== call.status)
        wrong.push(`${call.method} ${call.path}: ${res.status}`);
    }
  }
  expect(wrong).toEqual([]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const sorted = (entries: Iterable<[string, number]>): Record<string, number> =>
  Object.fromEntries(
    [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );

/** Every `prs_*` sample of a 0.0.4 scrape, keyed as {@link sampleKey} makes them. */
function prsOfScrape(text: string): Record<string, number> {
  return sorted(
    parseSamples(text)
      .filter((s) => s.name.startsWith('prs_'))
      .map((s): [string, number] => [sampleKey(s.name, s.labels), s.value]),
  );
}

const prsSeries = (e: ReceivedMetricsExport): MetricSeries[] =>
  e.series.filter((s) => s.name.startsWith('prs_'));

/** Every `prs_*` data point of one export, as the exposition lines it should equal. */
const prsOfExport = (e: ReceivedMetricsExport): Record<string, number> =>
  sorted(asExposition(prsSeries(e)));

const hasRequests = (e: ReceivedMetricsExport) =>
  e.series.some((s) => s.name === 'prs_http_requests_total');

/**
 * The last of two consecutive exports that arrived after `afterMs` with identical `prs_*`
 * values: nothing changes any more, so a scrape now must show the same.
 */
async function settledExport(
  receiver: MetricReceiver,
  afterMs: number,
): Promise<ReceivedMetricsExport> {
  let settled: ReceivedMetricsExport | undefined;
  await receiver.waitForExports((all) => {
    const late = all.filter((e) => e.receivedAtMs > afterMs && hasRequests(e));
    const [before, last] = late.slice(-2);
    if (
      before !== undefined &&
      last !== undefined &&
      JSON.stringify(prsOfExport(before)) === JSON.stringify(prsOfExport(last))
    )
      settled = last;
    return settled !== undefined;
  }, 15_000);
  return settled!;
}

/** `# TYPE` of every family in a 0.0.4 exposition. */
function typesOf(text: string): Map<string, string> {
  const types = new Map<string, string>();
  for (const match of text.matchAll(/^# TYPE (\S+) (\S+)$/gm))
    types.set(match[1]!, match[2]!);
  return types;
}

interface OtlpExemplar {
  metric: string;
  attributes: Record<string, unknown>;
  /** The bucket the value falls in, as its `le` label. */
  le: string;
  traceId: string;
  spanId: string;
  value: number;
  timeUnixNano: bigint;
}

/** Every exemplar of an export's `prs_*` histograms, with the bucket its value falls in. */
function otlpExemplars(e: ReceivedMetricsExport): OtlpExemplar[] {
  return prsSeries(e).flatMap((s) => {
    if (typeof s.value === 'number') return [];
    const { bounds } = s.value;
    return s.value.exemplars.map((x) => {
      const i = bounds.findIndex((b) => x.value <= b);
      return {
        metric: s.name,
        attributes: s.attributes,
        le: i < 0 ? '+Inf' : String(bounds[i]),
        traceId: x.traceId ?? '',
        spanId: x.spanId ?? '',
        value: x.value,
        timeUnixNano: x.timeUnixNano,
      };
    });
  });
}

function otlpEnv(
  receiver: MetricReceiver,
  env: Record<string, string>,
): Record<string, string> {
  return {
    FIXTURE_STORE: '1',
    OTEL_METRIC_EXPORT_INTERVAL: String(INTERVAL_MS),
    OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: receiver.url,
    ...env,
  };
}

beforeAll(() => {
  prepareFixtureTable();
  clearFixtureCache();
});

describe.each(ADAPTERS)('OTLP metrics on %s', (adapter: Adapter) => {
  describe('OTEL_METRICS_EXPORTER=prometheus,otlp over http/protobuf, cumulative', () => {
    let receiver: MetricReceiver;
    let app: RunningFixture;
    beforeAll(async () => {
      receiver = await startMetricReceiver();
      app = await startFixture({
        adapter,
        env: otlpEnv(receiver, {
          OTEL_METRICS_EXPORTER: 'prometheus,otlp',
          OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/protobuf',
        }),
      });
    });
    afterAll(async () => {
      await app?.stop();
      await receiver?.close();
    });

    it('pushes protobuf exports that decode with the official schema', async () => {
      await send(app, [MIX[0]!]);
      const itemsCounter = (e: ReceivedMetricsExport) =>
        e.series.find(
          (s) =>
            s.name === 'prs_http_requests_total' &&
            s.attributes.endpoint === '/api/items/:id',
        );
      const exports = await receiver.waitForExports(
        (all) => all.some((e) => itemsCounter(e)?.value === 5),
        10_000,
      );
      const requests = receiver.requests();
      expect(requests.length).toBeGreaterThan(0);
      for (const request of requests) {
        expect(request).toMatchObject({
          contentType: 'application/x-protobuf',
          status: 200,
        });
        expect(request.error).toBeUndefined();
      }
      const last = exports.find((e) => itemsCounter(e)?.value === 5)!;
      const counter = itemsCounter(last);
      expect(counter).toMatchObject({
        kind: 'sum',
        monotonic: true,
        temporality: 'cumulative',
        attributes: {
          method: 'GET',
          endpoint: '/api/items/:id',
          status_code: '200',
        },
        value: 5,
      });
      expect(counter?.resource['service.name']).toEqual(expect.any(String));
      const duration = last.series.find(
        (s) =>
          s.name === 'prs_http_request_duration_seconds' &&
          s.attributes.endpoint === '/api/items/:id',
      );
      expect(duration).toMatchObject({
        kind: 'histogram',
        temporality: 'cumulative',
        attributes: { method: 'GET', endpoint: '/api/items/:id' },
        value: {
          count: 5,
          bounds: HTTP_BUCKETS,
          bucketCounts: expect.any(Array) as unknown,
        },
      });
      const histogram = duration!.value as { bucketCounts: number[] };
      expect(histogram.bucketCounts).toHaveLength(HTTP_BUCKETS.length + 1);
      expect(histogram.bucketCounts.reduce((a, b) => a + b, 0)).toBe(5);
      // Tracing is off (OTEL_TRACES_EXPORTER=none): no exemplars.
      expect(
        last.series.flatMap((s) =>
          typeof s.value === 'number' ? s.exemplars : s.value.exemplars,
        ),
      ).toEqual([]);
    });

    it('exports exactly the prs_* values /metrics serves, once traffic stopped', async () => {
      await send(app, MIX.slice(1));
      const stoppedAt = Date.now();
      const settled = await settledExport(receiver, stoppedAt);
      const scraped = prsOfScrape(await scrape(app.url('/metrics')));
      const exported = prsOfExport(settled);

      // The request mix is all there (MIX[0] was sent by the previous test).
      const key = (endpoint: string, status: string, method = 'GET') =>
        sampleKey('prs_http_requests_total', {
          method,
          endpoint,
          status_code: status,
        });
      expect(exported).toMatchObject({
        [key('/api/items/:id', '200')]: 5,
        [key('/api/v1/deals/:id', '200')]: 3,
        [key('/api/items', '201', 'POST')]: 2,
        [key('unmatched', '404')]: 2,
        [key('/api/fixture/conflict', '409')]: 1,
        [key('/api/fixture/crash', '500')]: 1,
        [key('/api/fixture/slow/:ms', '200')]: 2,
        [key('/api/store/deals/:id', '200')]: 2,
        [key('/api/store/deals', '201', 'POST')]: 1,
        [key('/api/store/broken', '500')]: 1,
      });
      expect(
        Object.keys(exported).filter((k) =>
          k.startsWith('prs_database_query_duration_seconds_count{'),
        ).length,
      ).toBeGreaterThan(0);
      for (const series of prsSeries(settled).filter(
        (s) => s.kind === 'sum' || s.kind === 'histogram',
      ))
        expect(`${series.name} ${series.temporality}`).toBe(
          `${series.name} cumulative`,
        );
      // Every prs_* series, every bucket, sum and count: equal, none missing on either side.
      expect(exported).toEqual(scraped);
      // Pushed every OTEL_METRIC_EXPORT_INTERVAL.
      const times = receiver.exports().map((e) => e.receivedAtMs);
      const gaps = times
        .slice(1)
        .map((t, i) => t - times[i]!)
        .sort((a, b) => a - b);
      const median = gaps[Math.floor(gaps.length / 2)]!;
      expect(median).toBeGreaterThan(INTERVAL_MS * 0.6);
      expect(median).toBeLessThan(INTERVAL_MS * 2);
    });
  });

  describe('a series budget of 3: overflow is the same on both readers', () => {
    let receiver: MetricReceiver;
    let app: RunningFixture;
    beforeAll(async () => {
      receiver = await startMetricReceiver();
      app = await startFixture({
        adapter,
        options: { metrics: { seriesLimit: 3 } },
        env: otlpEnv(receiver, { OTEL_METRICS_EXPORTER: 'prometheus,otlp' }),
      });
    });
    afterAll(async () => {
      await app?.stop();
      await receiver?.close();
    });

    it('6 label sets over a budget of 3: the same __overflow__ series and overflow count in the push as on /metrics', async () => {
      await send(app, MIX.slice(0, 6));
      const settled = await settledExport(receiver, Date.now());
      const scraped = prsOfScrape(await scrape(app.url('/metrics')));
      const exported = prsOfExport(settled);
      const overflow = sampleKey('prs_http_requests_total', {
        method: '__overflow__',
        endpoint: '__overflow__',
        status_code: '__overflow__',
      });
      expect(exported[overflow]).toBeGreaterThan(0);
      const overflowCount = sampleKey('prs_metric_series_overflow_total', {
        metric: 'prs_http_requests_total',
      });
      expect(exported[overflowCount]).toBe(exported[overflow]);
      expect(exported).toEqual(scraped);
    });
  });

  describe('programmatic metrics options: prometheus + otlp over http/json, delta', () => {
    let receiver: MetricReceiver;
    let app: RunningFixture;
    beforeAll(async () => {
      receiver = await startMetricReceiver();
      app = await startFixture({
        adapter,
        entry: SDK_OPTIONS_MAIN,
        preload: false,
        env: {
          FIXTURE_STORE: '1',
          FIXTURE_SDK_OPTIONS: JSON.stringify({
            metrics: {
              exporters: ['prometheus', 'otlp'],
              exportIntervalMillis: 300,
              otlp: {
                endpoint: receiver.url,
                protocol: 'http/json',
                temporality: 'delta',
              },
            },
          }),
        },
      });
    });
    afterAll(async () => {
      await app?.stop();
      await receiver?.close();
    });

    it('pushes OTLP/JSON exports that decode with the official schema', async () => {
      await send(app, [MIX[0]!]);
      const exports = await receiver.waitForExports(
        (all) => all.some(hasRequests),
        10_000,
      );
      for (const request of receiver.requests()) {
        expect(request).toMatchObject({
          contentType: 'application/json',
          status: 200,
        });
        expect(request.error).toBeUndefined();
      }
      const counter = exports
        .flatMap((e) => e.series)
        .find(
          (s) =>
            s.name === 'prs_http_requests_total' &&
            s.attributes.endpoint === '/api/items/:id',
        );
      expect(counter).toMatchObject({
        kind: 'sum',
        monotonic: true,
        temporality: 'delta',
        attributes: {
          method: 'GET',
          endpoint: '/api/items/:id',
          status_code: '200',
        },
      });
      expect(counter?.resource['service.name']).toEqual(expect.any(String));
    });

    it('delta exports over several intervals add up to the /metrics totals', async () => {
      // Traffic spread over ~6 export intervals.
      for (const call of MIX.slice(1)) {
        await send(app, [call]);
        await sleep(180);
      }
      await send(app, [MIX[0]!]);
      const stoppedAt = Date.now();
      // Two exports after the last request: its delta has been pushed.
      await receiver.waitForExports(
        (all) => all.filter((e) => e.receivedAtMs > stoppedAt + 50).length >= 2,
        10_000,
      );
      const text = await scrape(app.url('/metrics'));
      const exports = receiver.exports();

      const withRequests = exports.filter((e) =>
        e.series.some((s) => s.name === 'prs_http_requests_total'),
      );
      expect(withRequests.length).toBeGreaterThanOrEqual(3);
      const deltas = exports
        .flatMap(prsSeries)
        .filter(
          (s) => (s.kind === 'sum' && s.monotonic) || s.kind === 'histogram',
        );
      for (const s of deltas)
        expect(`${s.name} ${s.temporality}`).toBe(`${s.name} delta`);
      const summed = asExposition(sumDeltas(deltas));

      // Counters and histograms of /metrics (gauges have no delta).
      const types = typesOf(text);
      const family = (name: string) =>
        types.get(name) ?? types.get(name.replace(/_(bucket|sum|count)$/, ''));
      const scraped = new Map(
        parseSamples(text)
          .filter(
            (s) =>
              s.name.startsWith('prs_') &&
              ['counter', 'histogram'].includes(family(s.name) ?? ''),
          )
          .map((s): [string, number] => [sampleKey(s.name, s.labels), s.value]),
      );
      expect(
        scraped.get(
          sampleKey('prs_http_requests_total', {
            method: 'GET',
            endpoint: '/api/items/:id',
            status_code: '200',
          }),
        ),
      ).toBe(10);
      // Every delta series is a /metrics series...
      expect([...summed.keys()].filter((k) => !scraped.has(k)).sort()).toEqual(
        [],
      );
      // ...and every /metrics counter/histogram series equals the sum of its deltas (0 if never pushed).
      const mismatches: string[] = [];
      for (const [k, value] of scraped) {
        const total = summed.get(k) ?? 0;
        const equal = /_sum\{/.test(k)
          ? Math.abs(total - value) <= 1e-9 * Math.max(1, Math.abs(value))
          : total === value;
        if (!equal) mismatches.push(`${k}: /metrics ${value}, deltas ${total}`);
      }
      expect(mismatches).toEqual([]);
    });
  });

  describe.each(['http/protobuf', 'http/json'] as const)(
    'exemplars over OTLP (%s), tracing on and sampled',
    (protocol) => {
      let receiver: MetricReceiver;
      let traces: OtlpReceiver;
      let app: RunningFixture;
      beforeAll(async () => {
        receiver = await startMetricReceiver();
        traces = await startOtlpReceiver();
        app = await startFixture({
          adapter,
          env: otlpEnv(receiver, {
            OTEL_METRICS_EXPORTER: 'prometheus,otlp',
            OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: protocol,
            OTEL_SERVICE_NAME: 'otlp-exemplars',
            OTEL_TRACES_EXPORTER: 'otlp',
            OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: traces.url,
            OTEL_TRACES_SAMPLER: 'always_on',
          }),
        });
      });
      afterAll(async () => {
        await app?.stop();
        await receiver?.close();
        await traces?.close();
      });

      it('carry trace and span ids of sampled requests and queries, the same as /metrics in OpenMetrics', async () => {
        await send(app, [
          {
            method: 'GET',
            path: '/api/fixture/slow/35',
            times: 1,
            status: 200,
          },
          {
            method: 'GET',
            path: '/api/fixture/slow/170',
            times: 1,
            status: 200,
          },
          { method: 'GET', path: '/api/items/1', times: 2, status: 200 },
          { method: 'POST', path: '/api/store/deals', times: 1, status: 201 },
        ]);
        const settled = await settledExport(receiver, Date.now());
        const exemplars = otlpExemplars(settled);
        expect(
          exemplars.filter(
            (e) => e.metric === 'prs_http_request_duration_seconds',
          ).length,
        ).toBeGreaterThanOrEqual(3);
        expect(
          exemplars.some(
            (e) => e.metric === 'prs_database_query_duration_seconds',
          ),
        ).toBe(true);
        const spans = await traces.waitForSpans(
          (all) =>
            exemplars.every((e) =>
              all.some((s) => s.traceId === e.traceId && s.spanId === e.spanId),
            ),
          15_000,
        );
        const nowNs = BigInt(Date.now()) * 1_000_000n;
        for (const e of exemplars) {
          expect(e.traceId).toMatch(/^[0-9a-f]{32}$/);
          expect(e.spanId).toMatch(/^[0-9a-f]{16}$/);
          expect(e.timeUnixNano).toBeGreaterThan(nowNs - 120_000_000_000n);
          expect(e.timeUnixNano).toBeLessThanOrEqual(nowNs);
          const span = spans.find(
            (s) => s.traceId === e.traceId && s.spanId === e.spanId,
          )!;
          expect(span.serviceName).toBe('otlp-exemplars');
          if (e.metric === 'prs_http_request_duration_seconds') {
            expect(span.kind).toBe('server');
            expect(span.attributes['http.route']).toBe(e.attributes.endpoint);
            const duration =
              Number(span.endTimeUnixNano - span.startTimeUnixNano) / 1e9;
            // Timed between the same two instants: the very value.
            expect(Math.abs(duration - e.value)).toBeLessThan(1e-6);
          } else {
            // A query's exemplar names the span that issued it (the handler's).
            expect(span.kind).toBe('internal');
          }
        }
        // The exemplars /metrics serves in OpenMetrics are the very same.
        const res = await fetch(app.url('/metrics'), {
          headers: { accept: 'application/openmetrics-text; version=1.0.0' },
        });
        const openMetrics = await res.text();
        const served = [
          ...openMetrics.matchAll(
            /^(prs_\w+)_bucket\{([^}]*)\} \S+ # \{trace_id="([0-9a-f]{32})",span_id="([0-9a-f]{16})"\} (\S+)/gm,
          ),
        ].map(([, metric, labels, traceId, spanId, value]) => {
          const le = /(?:^|,)le="([^"]+)"/.exec(labels!)![1]!;
          return `${metric} le=${le === '+Inf' ? le : Number(le)} ${traceId} ${spanId} ${Number(value)}`;
        });
        expect(served.sort()).toEqual(
          exemplars
            .map(
              (e) =>
                `${e.metric} le=${e.le} ${e.traceId} ${e.spanId} ${e.value}`,
            )
            .sort(),
        );
      });
    },
  );

  describe('OTEL_METRICS_EXPORTER=otlp alone, and none', () => {
    let receiver: MetricReceiver;
    beforeAll(async () => {
      receiver = await startMetricReceiver();
    });
    afterAll(() => receiver?.close());

    it('otlp alone (to OTEL_EXPORTER_OTLP_ENDPOINT + /v1/metrics): the prs_* metrics still arrive by OTLP; /metrics is not served', async () => {
      receiver.reset();
      const app = await startFixture({
        adapter,
        env: {
          FIXTURE_STORE: '1',
          OTEL_METRIC_EXPORT_INTERVAL: String(INTERVAL_MS),
          OTEL_METRICS_EXPORTER: 'otlp',
          // The base endpoint only: the metrics path is appended.
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url.replace(
            /\/v1\/metrics$/,
            '/',
          ),
        },
      });
      try {
        await send(app, [MIX[0]!, MIX[3]!]);
        const exports = await receiver.waitForExports(
          (all) =>
            all.some((e) =>
              e.series.some(
                (s) =>
                  s.name === 'prs_http_requests_total' &&
                  s.attributes.endpoint === 'unmatched' &&
                  s.value === 2,
              ),
            ),
          10_000,
        );
        expect(
          exports
            .at(-1)!
            .series.find(
              (s) =>
                s.name === 'prs_http_requests_total' &&
                s.attributes.endpoint === '/api/items/:id',
            )?.value,
        ).toBe(5);
        // No pull reader: the metrics path is no route of the SDK any more, and it says so.
        const res = await fetch(app.url('/metrics'));
        await res.arrayBuffer();
        expect(res.status).toBe(404);
        expect(app.output()).toContain(
          'Metrics are pushed (otlp), not served: add "prometheus" to OTEL_METRICS_EXPORTER',
        );
        expect((await fetch(app.url('/api/items/9'))).status).toBe(200);
      } finally {
        await app.stop();
      }
    });

    it('none: no metrics anywhere, the app serves as usual', async () => {
      receiver.reset();
      const app = await startFixture({
        adapter,
        env: otlpEnv(receiver, { OTEL_METRICS_EXPORTER: 'none' }),
      });
      try {
        await send(app, [MIX[0]!]);
        await sleep(4 * INTERVAL_MS);
        const res = await fetch(app.url('/metrics'));
        await res.arrayBuffer();
        expect(res.status).toBe(404);
        expect(receiver.requests()).toEqual([]);
        expect(app.output()).toContain(
          'Metrics are off (OTEL_METRICS_EXPORTER=none): no /metrics endpoint, nothing recorded',
        );
      } finally {
        await app.stop();
      }
    });
  });
});

/** Starts the fixture with the preload and waits for its exit, keeping stdout and stderr apart. */
function runToExit(env: Record<string, string>): Promise<{
  code: number | null;
  stdout: string;
  stderr: string;
}> {
  const child = spawn(process.execPath, ['--import', REGISTER, FIXTURE_MAIN], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NO_COLOR: '1',
      OTEL_TRACES_EXPORTER: 'none',
      PORT: '0',
      ...env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('metrics settings are checked at startup', () => {
  it('lists every bad metrics variable in one error on stderr and exits non-zero before the app loads', async () => {
    const [all, none, programmatic] = await Promise.all([
      runToExit({
        OTEL_METRICS_EXPORTER: 'prometheus,carrier-pigeon',
        OTEL_METRIC_EXPORT_INTERVAL: 'soon',
        OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'grpc',
        OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'sometimes',
      }),
      runToExit({ OTEL_METRICS_EXPORTER: 'none,otlp' }),
      new Promise<{ code: number | null; stdout: string; stderr: string }>(
        (resolve) => {
          const child = spawn(process.execPath, [SDK_OPTIONS_MAIN], {
            cwd: REPO_ROOT,
            stdio: ['ignore', 'pipe', 'pipe'],
            env: {
              PATH: process.env.PATH ?? '',
              HOME: process.env.HOME ?? '',
              NO_COLOR: '1',
              OTEL_TRACES_EXPORTER: 'none',
              PORT: '0',
              FIXTURE_SDK_OPTIONS: JSON.stringify({
                metrics: {
                  exporters: ['otlp', 'carrier-pigeon'],
                  exportIntervalMillis: -5,
                },
              }),
            },
          });
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
          child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
          const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
          child.once('close', (code) => {
            clearTimeout(timer);
            resolve({ code, stdout, stderr });
          });
        },
      ),
    ]);

    for (const run of [all, none, programmatic]) {
      expect(run.code).not.toBe(0);
      expect(run.code).not.toBeNull();
      expect(run.stdout).not.toContain('FIXTURE_LISTENING');
      expect(run.stderr).not.toContain('Starting Nest application');
      // One error: the header appears once.
      expect(run.stderr.match(/validation error \(/g)).toHaveLength(1);
    }

    expect(all.stderr).toContain(
      'Observability SDK validation error (4 problems):\n',
    );
    const lines = all.stderr.split('\n').filter((l) => l.startsWith('  - '));
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^ {2}- OTEL_METRICS_EXPORTER: .*"carrier-pigeon".*prometheus, otlp, console, none/,
        ),
        expect.stringMatching(/^ {2}- OTEL_METRIC_EXPORT_INTERVAL: .*"soon"/),
        expect.stringMatching(
          /^ {2}- OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: .*http\/protobuf.*http\/json.*"grpc"/,
        ),
        expect.stringMatching(
          /^ {2}- OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: .*cumulative, delta, lowmemory.*"sometimes"/,
        ),
      ]),
    );
    expect(lines).toHaveLength(4);

    expect(none.stderr).toContain(
      'Observability SDK validation error (1 problem):\n',
    );
    expect(none.stderr).toMatch(
      /^ {2}- OTEL_METRICS_EXPORTER: .*"none".*(combined|with other).*$/m,
    );

    expect(programmatic.stderr).toContain(
      'Observability SDK validation error (2 problems):\n',
    );
    expect(programmatic.stderr).toMatch(
      /^ {2}- metrics\.exporters: .*"carrier-pigeon"/m,
    );
    expect(programmatic.stderr).toMatch(
      /^ {2}- metrics\.exportIntervalMillis: .*-5/m,
    );
  });
});
