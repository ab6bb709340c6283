import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SpanContext, TraceFlags, ValueType } from '@opentelemetry/api';
import { hrTime } from '@opentelemetry/core';
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { emptyResource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  AggregationType,
  DataPointType,
  MeterProvider,
  MetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { MetricTallies } from '../core/metric-tallies';
import { type HistogramPointWithExemplars } from '../core/tally-points';
import { writeExposition } from './exposition';
import {
  EXPOSITION_CONTENT_TYPES,
  negotiateExposition,
} from './exposition-format';

class PullReader extends MetricReader {
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
const KB = 1024;

const span = (n: number): SpanContext => ({
  traceId: n.toString(16).padStart(32, 'a'),
  spanId: n.toString(16).padStart(16, 'b'),
  traceFlags: TraceFlags.SAMPLED,
});

/**
 * What a service of ours exposes: the tallies (a counter, a latency histogram with
 * exemplars, a counter with no records yet) and SDK instruments (gauges, an up-down
 * counter, a counter and a histogram), with label values and HELP texts that need escaping.
 */
async function serviceCollection(): Promise<ResourceMetrics> {
  const tallies = new MetricTallies({ exemplars: true });
  const reader = new PullReader({ metricProducers: [tallies] });
  const provider = new MeterProvider({ readers: [reader] });
  const requests = tallies.counter({
    name: 'prs_http_requests_total',
    description: 'HTTP requests, by method, endpoint and status',
  });
  const duration = tallies.histogram(
    {
      name: 'prs_http_request_duration_seconds',
      description: 'HTTP request duration in seconds',
      unit: 's',
    },
    [0.005, 0.01, 0.1, 1, 2.5],
  );
  tallies.counter({
    name: 'prs_cache_misses_total',
    description: 'Cache misses',
  });
  const deal = Object.freeze({
    method: 'GET',
    endpoint: '/api/deals/:id',
    status: '200',
  });
  const odd = Object.freeze({
    method: 'POST',
    endpoint: '/api/"quoted"\\back\\slash\nnext line',
    status: '500',
  });
  for (const [i, [value, attributes]] of (
    [
      [0.004, deal],
      [0.042, deal],
      [0.734, deal],
      [3.2, deal],
      [0.05, odd],
    ] as const
  ).entries()) {
    requests.add(1, attributes);
    duration.record(value, attributes, span(i + 1));
  }
  const meter = provider.getMeter('app');
  meter
    .createObservableGauge('process_resident_memory_bytes', {
      description: 'Resident memory size in bytes',
      unit: 'By',
    })
    .addCallback((result) => result.observe(123_456_789));
  meter
    .createObservableGauge('nodejs_eventloop_delay_p99_seconds', {
      description: 'Event loop delay, 99th percentile, in seconds',
      unit: 's',
    })
    .addCallback((result) => result.observe(0.0123));
  const active = meter.createUpDownCounter('prs_active_requests', {
    description: 'Requests in flight',
  });
  active.add(3, { endpoint: '/api/deals' });
  active.add(-1, { endpoint: '/api/deals' });
  meter
    .createCounter('prs_business_events', {
      description: 'Business events by "type"\nsecond line \\ backslash',
    })
    .add(4, { type: 'deal.created' });
  meter
    .createHistogram('prs_db_query_duration_seconds', {
      description: 'Database query duration in seconds',
      unit: 's',
      advice: { explicitBucketBoundaries: [0.001, 0.01, 0.1] },
    })
    .record(0.02, { operation: 'SELECT', table: 'deals' });
  const { resourceMetrics } = await reader.collect();
  await provider.shutdown();
  return resourceMetrics;
}

/**
 * The service's collection plus what OpenTelemetry's serializer has rules for: invalid
 * and renamed instruments, non-string attributes, one name in two meters, one name with
 * two types, non-finite values, a histogram without sum, an exponential histogram.
 */
async function quirkyCollection(): Promise<ResourceMetrics> {
  const service = await serviceCollection();
  const reader = new PullReader();
  const provider = new MeterProvider({
    readers: [reader],
    views: [
      { instrumentName: 'renamed', name: 'back\\slash\nnew.line' },
      { instrumentName: 'digits', name: '9lives' },
      { instrumentName: 'nothing', name: '.' },
      {
        instrumentName: 'queue_depth_histogram',
        aggregation: {
          type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM,
          options: { boundaries: [0, 10] },
        },
      },
      {
        instrumentName: 'payload',
        aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM },
      },
    ],
  });
  const a = provider.getMeter('a');
  const b = provider.getMeter('b');
  a.createCounter('renamed', { unit: 'ms' }).add(1);
  a.createCounter('digits').add(2);
  a.createCounter('nothing').add(3);
  a.createCounter('http.server.requests', {
    description: 'Requests',
  }).add(1, {
    'http.route': '/a',
    dunder__label: 'x',
    code: 200,
    ok: true,
    tags: ['x', 'y"z'],
  });
  b.createCounter('http.server.requests', { description: 'Other' }).add(5, {
    'http.route': '/b',
  });
  a.createCounter('clash').add(1);
  b.createUpDownCounter('clash_total').add(1);
  a.createObservableGauge('odd_values').addCallback((result) => {
    result.observe(Infinity, { v: 'inf' });
    result.observe(-Infinity, { v: '-inf' });
    result.observe(NaN, { v: 'nan' });
    result.observe(1e21, { v: 'big' });
  });
  b.createUpDownCounter('queue_depth_histogram').add(-4);
  b.createHistogram('payload').record(1500);
  const { resourceMetrics } = await reader.collect();
  await provider.shutdown();
  return {
    resource: service.resource,
    scopeMetrics: [...service.scopeMetrics, ...resourceMetrics.scopeMetrics],
  };
}

/** `/metrics` before: OpenTelemetry's serializer as metrics-endpoint.ts configured it. */
function openTelemetryText(resourceMetrics: ResourceMetrics): string {
  return new PrometheusSerializer(
    undefined,
    false,
    undefined,
    true,
    true,
  ).serialize(resourceMetrics);
}

/** Sample lines, exemplars cut off, sorted: what a scraper stores. */
function samples(exposition: string): string[] {
  return exposition
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.replace(/ # \{.*$/, ''))
    .sort();
}

describe('writeExposition, text 0.0.4', () => {
  it("is OpenTelemetry's PrometheusSerializer output without its # UNIT lines", async () => {
    const collection = await serviceCollection();
    const expected = openTelemetryText(collection).replace(
      /^# UNIT .*\n/gm,
      '',
    );
    expect(expected).toContain('prs_http_request_duration_seconds_bucket{');
    expect(expected).toContain('# TYPE prs_cache_misses_total counter\n');
    expect(writeExposition(collection, 'text')).toBe(expected);
  });

  it("keeps the serializer's rules for names, labels, values, merged and conflicting families", async () => {
    const collection = await quirkyCollection();
    const dropped: string[] = [];
    const text = writeExposition(collection, 'text', (message) =>
      dropped.push(message),
    );
    expect(text).toBe(
      openTelemetryText(collection).replace(/^# UNIT .*\n/gm, ''),
    );
    for (const line of [
      'back_slash_nnew_line_total 1',
      '_9lives_total 2',
      'http_server_requests_total{http_route="/a",dunder_label="x",code="200",ok="true",tags="[\\"x\\",\\"y\\\\\\"z\\"]"} 1',
      'http_server_requests_total{http_route="/b"} 5',
      'odd_values{v="inf"} +Inf',
      'odd_values{v="-inf"} -Inf',
      'odd_values{v="nan"} NaN',
      'odd_values{v="big"} 1e+21',
      'queue_depth_histogram_count 1',
      '# TYPE payload untyped',
    ])
      expect(text.split('\n')).toContain(line);
    expect(text).not.toContain('queue_depth_histogram_sum');
    expect(text).not.toContain('clash');
    expect(dropped).toEqual([
      'Metric "." has no valid Prometheus name; it is left out of /metrics',
      'Metric "clash_total" is both a gauge and a counter; it is left out of /metrics',
    ]);
  });

  it('writes no exemplars and no # UNIT lines', async () => {
    const text = writeExposition(await serviceCollection(), 'text');
    expect(text).not.toContain('trace_id');
    expect(text).not.toContain(' # ');
    expect(
      text.split('\n').filter((line) => line.startsWith('#')),
    ).not.toContainEqual(expect.stringMatching(/^# (?!HELP |TYPE )/));
  });

  it('says so when there is nothing to expose', () => {
    const empty = { resource: emptyResource(), scopeMetrics: [] };
    expect(writeExposition(empty, 'text')).toBe('# no registered metrics');
    expect(writeExposition(empty, 'text')).toBe(openTelemetryText(empty));
  });
});

describe('writeExposition, OpenMetrics 1.0.0', () => {
  const start = hrTime();
  const at = (ms: number) => ({
    value: 0,
    timeUnixMs: ms,
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: '00f067aa0ba902b7',
  });
  const histogramPoint: HistogramPointWithExemplars = {
    startTime: start,
    endTime: start,
    attributes: { method: 'GET' },
    value: {
      buckets: { boundaries: [0.1, 1], counts: [1, 0, 1] },
      sum: 2.55,
      count: 2,
    },
    exemplars: [
      { ...at(1_718_000_000_123), value: 0.05 },
      undefined,
      { ...at(1_718_000_000_450), value: 2.5, spanId: '00f067aa0ba902b8' },
    ],
  };
  const descriptor = (name: string, description: string, unit = '') => ({
    name,
    description,
    unit,
    valueType: ValueType.DOUBLE,
  });
  const small: ResourceMetrics = {
    resource: emptyResource(),
    scopeMetrics: [
      {
        scope: { name: 't' },
        metrics: [
          {
            descriptor: descriptor('prs_things_total', 'Things, by "kind"'),
            aggregationTemporality: AggregationTemporality.CUMULATIVE,
            dataPointType: DataPointType.SUM,
            isMonotonic: true,
            dataPoints: [
              {
                startTime: start,
                endTime: start,
                attributes: { kind: 'a\\b' },
                value: 2,
              },
            ],
          },
          {
            descriptor: descriptor(
              'prs_thing_duration_seconds',
              'Thing duration in seconds',
              's',
            ),
            aggregationTemporality: AggregationTemporality.CUMULATIVE,
            dataPointType: DataPointType.HISTOGRAM,
            dataPoints: [histogramPoint],
          },
          {
            descriptor: descriptor('prs_uptime', 'Uptime', 's'),
            aggregationTemporality: AggregationTemporality.CUMULATIVE,
            dataPointType: DataPointType.GAUGE,
            dataPoints: [
              { startTime: start, endTime: start, attributes: {}, value: 12 },
            ],
          },
        ],
      },
    ],
  };

  it('writes TYPE, UNIT (when the name ends with it), HELP, exemplars on buckets and # EOF', () => {
    expect(writeExposition(small, 'openmetrics')).toBe(
      [
        '# TYPE prs_things counter',
        '# HELP prs_things Things, by \\"kind\\"',
        'prs_things_total{kind="a\\\\b"} 2',
        '# TYPE prs_thing_duration_seconds histogram',
        '# UNIT prs_thing_duration_seconds seconds',
        '# HELP prs_thing_duration_seconds Thing duration in seconds',
        'prs_thing_duration_seconds_bucket{method="GET",le="0.1"} 1 # {trace_id="4bf92f3577b34da6a3ce929d0e0e4736",span_id="00f067aa0ba902b7"} 0.05 1718000000.123',
        'prs_thing_duration_seconds_bucket{method="GET",le="1"} 1',
        'prs_thing_duration_seconds_bucket{method="GET",le="+Inf"} 2 # {trace_id="4bf92f3577b34da6a3ce929d0e0e4736",span_id="00f067aa0ba902b8"} 2.5 1718000000.450',
        'prs_thing_duration_seconds_count{method="GET"} 2',
        'prs_thing_duration_seconds_sum{method="GET"} 2.55',
        '# TYPE prs_uptime gauge',
        '# HELP prs_uptime Uptime',
        'prs_uptime 12',
        '# EOF',
        '',
      ].join('\n'),
    );
  });

  it('the same collection in text 0.0.4 has the same samples and no exemplars', () => {
    expect(writeExposition(small, 'text')).toBe(
      [
        '# HELP prs_things_total Things, by "kind"',
        '# TYPE prs_things_total counter',
        'prs_things_total{kind="a\\\\b"} 2',
        '# HELP prs_thing_duration_seconds Thing duration in seconds',
        '# TYPE prs_thing_duration_seconds histogram',
        'prs_thing_duration_seconds_count{method="GET"} 2',
        'prs_thing_duration_seconds_sum{method="GET"} 2.55',
        'prs_thing_duration_seconds_bucket{method="GET",le="0.1"} 1',
        'prs_thing_duration_seconds_bucket{method="GET",le="1"} 1',
        'prs_thing_duration_seconds_bucket{method="GET",le="+Inf"} 2',
        '# HELP prs_uptime Uptime',
        '# TYPE prs_uptime gauge',
        'prs_uptime 12',
        '',
      ].join('\n'),
    );
  });

  it('has the same samples as text 0.0.4 for a whole service', async () => {
    const collection = await serviceCollection();
    const openMetrics = writeExposition(collection, 'openmetrics');
    expect(openMetrics).toMatch(
      /^prs_http_request_duration_seconds_bucket\{method="GET",endpoint="\/api\/deals\/:id",status="200",le="1"\} 3 # \{trace_id="a{31}3",span_id="b{15}3"\} 0\.734 \d{10}\.\d{3}$/m,
    );
    expect(samples(openMetrics)).toEqual(
      samples(writeExposition(collection, 'text')),
    );
  });

  it('leaves out an exemplar with malformed ids, and _count where there is no _sum', async () => {
    const point = {
      ...histogramPoint,
      exemplars: [{ ...at(1), traceId: 'x"} 1 # evil' }],
    };
    const withBadExemplar: ResourceMetrics = {
      ...small,
      scopeMetrics: [
        {
          scope: { name: 't' },
          metrics: [
            {
              ...small.scopeMetrics[0]!.metrics[1]!,
              dataPointType: DataPointType.HISTOGRAM,
              dataPoints: [point],
            },
          ],
        },
      ],
    };
    expect(writeExposition(withBadExemplar, 'openmetrics')).not.toContain(
      'evil',
    );
    const noSum = writeExposition(await quirkyCollection(), 'openmetrics');
    expect(noSum).toContain('queue_depth_histogram_bucket{le="+Inf"} 1\n');
    expect(noSum).not.toContain('queue_depth_histogram_count');
  });

  it('is only # EOF when there is nothing to expose', () => {
    expect(
      writeExposition(
        { resource: emptyResource(), scopeMetrics: [] },
        'openmetrics',
      ),
    ).toBe('# EOF\n');
  });
});

describe('negotiateExposition', () => {
  it.each([
    ["Prometheus' own Accept header", PROMETHEUS_ACCEPT, 'openmetrics'],
    [
      'Prometheus 3 with UTF-8 escaping',
      'application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1',
      'openmetrics',
    ],
    ['OpenMetrics alone', 'application/openmetrics-text', 'openmetrics'],
    [
      'OpenMetrics tied with text',
      'text/plain;q=0.5, Application/OpenMetrics-Text ; Q=0.5',
      'openmetrics',
    ],
    ['no header', undefined, 'text'],
    ['*/*', '*/*', 'text'],
    ['text/plain', 'text/plain; version=0.0.4', 'text'],
    [
      'OpenMetrics refused with q=0',
      'application/openmetrics-text;q=0,*/*;q=0.1',
      'text',
    ],
    [
      'text/plain preferred',
      'application/openmetrics-text;q=0.4,text/plain;q=0.5',
      'text',
    ],
    ['text/* preferred', 'text/*,application/openmetrics-text;q=0.9', 'text'],
    [
      'a malformed q',
      'application/openmetrics-text;q=2,text/plain;q=0.1',
      'text',
    ],
    ['an empty header', '', 'text'],
    ['garbage', ';;,,=q;=,\u0000\uffff', 'text'],
  ] as const)('%s', (_, accept, format) => {
    expect(negotiateExposition(accept)).toBe(format);
  });

  it('answers the default to a header over 4 KB without reading it, and never throws', () => {
    const headers = [
      'a;'.repeat(32 * KB),
      ','.repeat(64 * KB),
      ' '.repeat(64 * KB),
      `application/openmetrics-text;q=${'0'.repeat(64 * KB)}`,
      `application/openmetrics-text;q=0.${'1'.repeat(64 * KB)}`,
      'application/openmetrics-text;q=0.1,'.repeat((64 * KB) / 35),
      `${'x'.repeat(64 * KB)},application/openmetrics-text`,
    ];
    for (const header of headers)
      expect(negotiateExposition(header)).toBe('text');
  });

  it('reads a header of up to 4 KB whole', () => {
    const tail = ',application/openmetrics-text';
    const header = `${'x'.repeat(4 * KB - tail.length)}${tail}`;
    expect(header.length).toBe(4 * KB);
    expect(negotiateExposition(header)).toBe('openmetrics');
    expect(negotiateExposition(`x${header}`)).toBe('text');
  });
});

describe('EXPOSITION_CONTENT_TYPES', () => {
  it('are the content types both specifications require', () => {
    expect(EXPOSITION_CONTENT_TYPES).toEqual({
      text: 'text/plain; version=0.0.4; charset=utf-8',
      openmetrics: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
    });
  });
});

/**
 * Checked by Prometheus' own parsers. `promtool check metrics` (2.42) parses text 0.0.4
 * only: it rejects an exemplar as a malformed timestamp. OpenMetrics is checked by
 * `promtool tsdb create-blocks-from openmetrics`, the OpenMetrics parser Prometheus
 * scrapes with; it needs a timestamp on every sample, which a live exposition leaves
 * out, so the check adds one.
 */
describe('promtool', () => {
  const SAMPLE_TIMESTAMP = '1700000000.000';
  const EXEMPLAR_AT_END = / # \{[^}]*\} \S+ \S+$/;
  let dir: string;

  beforeAll(() => {
    const version = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
    if (version.error !== undefined)
      throw new Error(
        `promtool is needed to check the expositions (${version.error.message}); install it: apt-get install prometheus`,
      );
    dir = mkdtempSync(join(tmpdir(), 'exposition-promtool-'));
  });
  afterAll(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  const promtool = (args: string[], input?: string) => {
    const run = spawnSync('promtool', args, {
      input,
      encoding: 'utf8',
      timeout: 60_000,
    });
    return `exit ${run.status}\n${run.stdout}${run.stderr}`;
  };

  /** Puts a timestamp between each sample's value and its exemplar. */
  const timestamped = (openMetrics: string) =>
    openMetrics
      .split('\n')
      .map((line) => {
        if (line === '' || line.startsWith('#')) return line;
        const exemplar = EXEMPLAR_AT_END.exec(line);
        const sample = exemplar === null ? line : line.slice(0, exemplar.index);
        return `${sample} ${SAMPLE_TIMESTAMP}${exemplar?.[0] ?? ''}`;
      })
      .join('\n');

  const checkOpenMetrics = (openMetrics: string, name: string) => {
    const file = join(dir, `${name}.om`);
    writeFileSync(file, timestamped(openMetrics));
    return promtool([
      'tsdb',
      'create-blocks-from',
      'openmetrics',
      file,
      join(dir, `${name}-blocks`),
    ]);
  };

  it('check metrics accepts the text 0.0.4 exposition, lint included', async () => {
    const text = writeExposition(await serviceCollection(), 'text');
    expect(promtool(['check', 'metrics'], text)).toBe('exit 0\n');
  });

  it('its OpenMetrics parser accepts the OpenMetrics exposition with exemplars', async () => {
    const openMetrics = writeExposition(
      await serviceCollection(),
      'openmetrics',
    );
    expect(openMetrics).toContain('trace_id=');
    expect(checkOpenMetrics(openMetrics, 'service')).toMatch(/^exit 0\n/);
    // Control: the same parser refuses an exposition cut short, so the check is not vacuous.
    expect(
      checkOpenMetrics(openMetrics.replace('# EOF\n', ''), 'truncated'),
    ).toMatch(/^exit 1\n[^]*data does not end with # EOF/);
  });
});
