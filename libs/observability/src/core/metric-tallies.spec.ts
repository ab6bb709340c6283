import {
  type Attributes,
  type SpanContext,
  TraceFlags,
} from '@opentelemetry/api';
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import {
  AggregationTemporality,
  DataPointType,
  MeterProvider,
  type MetricData,
  MetricReader,
} from '@opentelemetry/sdk-metrics';
import { MetricTallies } from './metric-tallies';
import { exemplarsOf } from './tally-points';

class PullReader extends MetricReader {
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const BOUNDS = [0.005, 0.01, 0.1, 1];
const COUNTER = { name: 'prs_things_total', description: 'Things, by kind' };
const HISTOGRAM = {
  name: 'prs_thing_duration_seconds',
  description: 'Thing duration in seconds',
  unit: 's',
};

/** The Prometheus text a reader's collection serializes to, as `/metrics` would write it. */
async function exposition(reader: MetricReader): Promise<string> {
  const { resourceMetrics } = await reader.collect();
  return new PrometheusSerializer(undefined, false, undefined, true, true)
    .serialize(resourceMetrics)
    .trim();
}

describe('MetricTallies', () => {
  let tallies: MetricTallies;
  let reader: PullReader;

  beforeEach(() => {
    tallies = new MetricTallies();
    reader = new PullReader({ metricProducers: [tallies] });
    new MeterProvider({ readers: [reader] });
  });

  it('serialize exactly as OpenTelemetry counters and histograms fed the same records', async () => {
    const otelReader = new PullReader();
    const meter = new MeterProvider({ readers: [otelReader] }).getMeter('t');
    const otelCounter = meter.createCounter(COUNTER.name, COUNTER);
    const otelHistogram = meter.createHistogram(HISTOGRAM.name, {
      ...HISTOGRAM,
      advice: { explicitBucketBoundaries: BOUNDS },
    });
    const counter = tallies.counter(COUNTER);
    const histogram = tallies.histogram(HISTOGRAM, BOUNDS);
    const a = Object.freeze({ kind: 'a' });
    const b = Object.freeze({ kind: 'b' });
    // On a bound (inclusive), between bounds, past the last bound, zero.
    const records: [number, Attributes][] = [
      [0.005, a],
      [0.0072, a],
      [0.1, b],
      [3.5, b],
      [0, a],
      [1, a],
    ];
    for (const [value, attributes] of records) {
      otelCounter.add(1, attributes);
      otelHistogram.record(value, attributes);
      counter.add(1, attributes);
      histogram.record(value, attributes);
    }
    const expected = await exposition(otelReader);
    expect(expected).toContain(
      'prs_thing_duration_seconds_bucket{kind="a",le="0.005"} 2',
    );
    expect(await exposition(reader)).toBe(expected);
  });

  it('bucket bounds are inclusive upper bounds; the last bucket is +Inf', async () => {
    const histogram = tallies.histogram(HISTOGRAM, BOUNDS);
    const attributes = Object.freeze({ kind: 'a' });
    for (const value of [0.005, 0.0051, 0.01, 1, 1.0001])
      histogram.record(value, attributes);
    const text = await exposition(reader);
    expect(text).toMatch(/{kind="a",le="0.005"} 1$/m);
    expect(text).toMatch(/{kind="a",le="0.01"} 3$/m);
    expect(text).toMatch(/{kind="a",le="0.1"} 3$/m);
    expect(text).toMatch(/{kind="a",le="1"} 4$/m);
    expect(text).toMatch(/{kind="a",le="\+Inf"} 5$/m);
    expect(text).toContain('prs_thing_duration_seconds_count{kind="a"} 5');
  });

  it('a negative, NaN or infinite duration is not recorded', async () => {
    const histogram = tallies.histogram(HISTOGRAM, BOUNDS);
    const attributes = Object.freeze({ kind: 'a' });
    for (const value of [-1, Number.NaN, Infinity, -Infinity])
      histogram.record(value, attributes);
    histogram.record(0.5, attributes);
    const text = await exposition(reader);
    expect(text).toContain('prs_thing_duration_seconds_count{kind="a"} 1');
    expect(text).toContain('prs_thing_duration_seconds_sum{kind="a"} 0.5');
  });

  it('a collection is a snapshot: later records do not change it', async () => {
    const counter = tallies.counter(COUNTER);
    const histogram = tallies.histogram(HISTOGRAM, BOUNDS);
    const attributes = Object.freeze({ kind: 'a' });
    counter.add(1, attributes);
    histogram.record(0.05, attributes);
    const { resourceMetrics } = await reader.collect();
    counter.add(1, attributes);
    histogram.record(0.05, attributes);
    const [sum, hist] = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
    expect(sum?.dataPoints[0]?.value).toBe(1);
    expect(hist?.dataPoints[0]?.value).toMatchObject({
      count: 1,
      buckets: { counts: [0, 0, 1, 0, 0] },
    });
    expect(await exposition(reader)).toContain('prs_things_total{kind="a"} 2');
  });

  it('a second writer of the same names (another Nest app in the process) shares the metric: one series per label set', async () => {
    // Each writer's series limiter hands out its own attribute objects for the same labels.
    const first = {
      counter: tallies.counter(COUNTER),
      histogram: tallies.histogram(HISTOGRAM, BOUNDS),
      attributes: Object.freeze({ kind: 'a' }),
    };
    const second = {
      counter: tallies.counter(COUNTER),
      histogram: tallies.histogram(HISTOGRAM, BOUNDS),
      attributes: Object.freeze({ kind: 'a' }),
    };
    expect(second.counter).toBe(first.counter);
    for (const [writer, value] of [
      [first, 0.002],
      [second, 0.05],
      [second, 2],
    ] as const) {
      writer.counter.add(1, writer.attributes);
      writer.histogram.record(value, writer.attributes);
    }
    const text = await exposition(reader);
    expect(text.match(/^prs_things_total\{/gm)).toHaveLength(1);
    expect(text).toMatch(/^prs_things_total\{kind="a"\} 3$/m);
    expect(text).toMatch(/^prs_thing_duration_seconds_count\{kind="a"\} 3$/m);
    expect(text).toMatch(/{kind="a",le="0.005"} 1$/m);
    expect(text).toMatch(/{kind="a",le="0.1"} 2$/m);
    expect(text).toMatch(/{kind="a",le="\+Inf"} 3$/m);
    const sum = /^prs_thing_duration_seconds_sum\{kind="a"\} (\S+)$/m.exec(
      text,
    );
    expect(Number(sum?.[1])).toBeCloseTo(2.052, 9);
    expect(() => tallies.histogram({ ...COUNTER }, BOUNDS)).toThrow(
      'prs_things_total is already tallied as another kind of metric',
    );
  });

  it('a metric with no records yet is exposed with its HELP and TYPE and no samples', async () => {
    tallies.counter(COUNTER);
    tallies.histogram(HISTOGRAM, BOUNDS);
    expect(await exposition(reader)).toBe(
      [
        '# HELP prs_things_total Things, by kind',
        '# TYPE prs_things_total counter',
        '# HELP prs_thing_duration_seconds Thing duration in seconds',
        '# UNIT prs_thing_duration_seconds s',
        '# TYPE prs_thing_duration_seconds histogram',
      ].join('\n'),
    );
  });
});

const span = (n: number, sampled = true): SpanContext => ({
  traceId: n.toString(16).padStart(32, '0'),
  spanId: n.toString(16).padStart(16, '0'),
  traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
});

async function metricsOf(
  producer: MetricTallies | ReturnType<MetricTallies['producer']>,
): Promise<MetricData[]> {
  const { resourceMetrics } = await producer.collect();
  return resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
}

describe('MetricTallies exemplars', () => {
  it('keep, per bucket, the ids of the last sampled record in it; unsampled records leave none', async () => {
    const tallies = new MetricTallies({ exemplars: true });
    const histogram = tallies.histogram(HISTOGRAM, BOUNDS);
    const attributes = Object.freeze({ kind: 'a' });
    const before = Date.now();
    histogram.record(0.003, attributes, span(1));
    histogram.record(0.004, attributes, span(2));
    histogram.record(0.05, attributes, span(3, false));
    histogram.record(7, attributes, span(4));
    histogram.record(0.5, attributes);
    const [metric] = await metricsOf(tallies);
    const exemplars = exemplarsOf(metric!.dataPoints[0]!);
    expect(exemplars).toHaveLength(BOUNDS.length + 1);
    expect(exemplars?.[0]).toEqual({
      value: 0.004,
      timeUnixMs: expect.any(Number) as number,
      traceId: span(2).traceId,
      spanId: span(2).spanId,
    });
    expect(exemplars?.[0]?.timeUnixMs).toBeGreaterThanOrEqual(before);
    expect(exemplars?.[2]).toBeUndefined(); // unsampled
    expect(exemplars?.[3]).toBeUndefined(); // no span
    expect(exemplars?.[4]).toMatchObject({
      value: 7,
      traceId: span(4).traceId,
    });
  });

  it('are not kept when off (tracing off: their traces would open nothing)', async () => {
    const tallies = new MetricTallies();
    tallies
      .histogram(HISTOGRAM, BOUNDS)
      .record(0.003, Object.freeze({ kind: 'a' }), span(1));
    const [metric] = await metricsOf(tallies);
    expect(exemplarsOf(metric!.dataPoints[0]!)).toBeUndefined();
  });

  it('of two writers sharing a metric, the newer per bucket wins', async () => {
    const tallies = new MetricTallies({ exemplars: true });
    const first = tallies.histogram(HISTOGRAM, BOUNDS);
    const second = tallies.histogram(HISTOGRAM, BOUNDS);
    first.record(0.003, Object.freeze({ kind: 'a' }), span(1));
    second.record(0.5, Object.freeze({ kind: 'a' }), span(2));
    const [metric] = await metricsOf(tallies);
    expect(metric!.dataPoints).toHaveLength(1);
    const exemplars = exemplarsOf(metric!.dataPoints[0]!);
    expect(exemplars?.[0]?.traceId).toBe(span(1).traceId);
    expect(exemplars?.[3]?.traceId).toBe(span(2).traceId);
  });
});

describe('MetricTallies delta producer', () => {
  it('hands out what changed since its previous collection; the deltas sum to the cumulative totals', async () => {
    const tallies = new MetricTallies({ exemplars: true });
    const counter = tallies.counter(COUNTER);
    const histogram = tallies.histogram(HISTOGRAM, BOUNDS);
    const delta = tallies.producer(AggregationTemporality.DELTA);
    expect(tallies.producer(AggregationTemporality.CUMULATIVE)).toBe(tallies);
    const a = Object.freeze({ kind: 'a' });
    const b = Object.freeze({ kind: 'b' });
    const totals = { a: 0, b: 0, count: 0, sum: 0 };
    const rounds: [Attributes, number][][] = [
      [
        [a, 0.002],
        [b, 0.2],
      ],
      [[a, 0.05]],
      [],
      [
        [b, 3],
        [b, 0.001],
      ],
    ];
    for (const round of rounds) {
      for (const [attributes, value] of round) {
        counter.add(1, attributes);
        histogram.record(value, attributes, span(Math.round(value * 1000)));
      }
      const [sum, hist] = await metricsOf(delta);
      expect(sum!.aggregationTemporality).toBe(AggregationTemporality.DELTA);
      expect(hist!.dataPointType).toBe(DataPointType.HISTOGRAM);
      // Series without records this round are left out.
      expect(sum!.dataPoints).toHaveLength(
        new Set(round.map(([attributes]) => attributes)).size,
      );
      for (const point of sum!.dataPoints)
        totals[point.attributes.kind as 'a' | 'b'] += point.value as number;
      for (const point of hist!.dataPoints) {
        const value = point.value as { count: number; sum: number };
        totals.count += value.count;
        totals.sum += value.sum;
        // Only exemplars recorded since the previous collection.
        const exemplars = exemplarsOf(point)!.filter((e) => e !== undefined);
        expect(exemplars.length).toBeGreaterThan(0);
        for (const exemplar of exemplars)
          expect(
            round.some(
              ([attributes, value]) =>
                attributes === point.attributes && value === exemplar.value,
            ),
          ).toBe(true);
      }
    }
    const [sum, hist] = await metricsOf(tallies);
    const cumulative = Object.fromEntries(
      sum!.dataPoints.map((p) => [p.attributes.kind, p.value]),
    );
    expect(totals.a).toBe(cumulative.a);
    expect(totals.b).toBe(cumulative.b);
    const points = hist!.dataPoints.map(
      (p) => p.value as { count: number; sum: number },
    );
    expect(totals.count).toBe(points.reduce((n, p) => n + p.count, 0));
    expect(totals.sum).toBeCloseTo(
      points.reduce((n, p) => n + p.sum, 0),
      12,
    );
  });
});
