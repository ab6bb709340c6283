import {
  type Attributes,
  diag,
  type SpanContext,
  TraceFlags,
  ValueType,
} from '@opentelemetry/api';
import {
  JsonMetricsSerializer,
  ProtobufMetricsSerializer,
} from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  AggregationType,
  DataPointType,
  MeterProvider,
  type MetricData,
  MetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { otlpServiceTypes } from '../../../../../test/support/otlp-common';
import { MetricTallies } from '../../core/metric-tallies';
import { type HistogramPointWithExemplars } from '../../core/tally-points';
import {
  encodeMetricsJson,
  encodeMetricsProtobuf,
} from './otlp-metrics-encoder';

/** ExportMetricsServiceRequest from the official definitions vendored for the tests. */
const request = () => otlpServiceTypes('metrics').request;

const AS_OBJECT = {
  longs: String,
  enums: Number,
  bytes: String,
  defaults: true,
  arrays: true,
};

/** A protobuf body as the official definitions decode it, every field present. */
function decodeProtobuf(bytes: Uint8Array): Decoded {
  return request().toObject(request().decode(bytes), AS_OBJECT) as Decoded;
}

/**
 * An OTLP/JSON body as a collector reads it: the schema's `fromObject` (int64 as string
 * or number), after the one OTLP departure from proto3 JSON, hex ids, is turned back to base64.
 */
function decodeJson(bytes: Uint8Array): Decoded {
  const json = JSON.parse(Buffer.from(bytes).toString('utf8')) as Decoded;
  for (const point of histogramPoints(json))
    for (const exemplar of point.exemplars ?? []) {
      exemplar.traceId = Buffer.from(exemplar.traceId, 'hex').toString(
        'base64',
      );
      exemplar.spanId = Buffer.from(exemplar.spanId, 'hex').toString('base64');
    }
  return request().toObject(request().fromObject(json), AS_OBJECT) as Decoded;
}

/* The decoded request, as far as the assertions read it. */
interface Decoded {
  resourceMetrics: {
    resource: { attributes: KeyValue[] };
    schemaUrl: string;
    scopeMetrics: {
      scope: { name: string; version: string };
      schemaUrl: string;
      metrics: DecodedMetric[];
    }[];
  }[];
}
interface KeyValue {
  key: string;
  value: Record<string, unknown>;
}
interface DecodedMetric {
  name: string;
  description: string;
  unit: string;
  sum?: { aggregationTemporality: number; isMonotonic: boolean };
  histogram?: {
    aggregationTemporality: number;
    dataPoints: DecodedHistogramPoint[];
  };
}
interface DecodedHistogramPoint {
  attributes: KeyValue[];
  count: string;
  sum?: number;
  min?: number;
  max?: number;
  bucketCounts: string[];
  explicitBounds: number[];
  exemplars?: {
    timeUnixNano: string;
    asDouble: number;
    traceId: string;
    spanId: string;
  }[];
}

function histogramPoints(decoded: Decoded): DecodedHistogramPoint[] {
  return decoded.resourceMetrics.flatMap((r) =>
    r.scopeMetrics.flatMap((s) =>
      s.metrics.flatMap((m) => m.histogram?.dataPoints ?? []),
    ),
  );
}

class PullReader extends MetricReader {
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const ATTRIBUTES: Attributes = {
  'http.request.method': 'GET',
  empty: '',
  'non.ascii': 'naïve ✓ 日本語 😀',
  'long.200': 'y'.repeat(200),
  zero: 0,
  'small.int': 200,
  'negative.int': -5,
  'big.int': 2 ** 40 + 7,
  'power.of.two': 2 ** 60,
  double: 1.5,
  'negative.double': -0.25,
  yes: true,
  no: false,
  strings: ['a', 'ü', ''],
  numbers: [1, 2.5, -3],
  booleans: [true, false],
  'empty.array': [],
  'with.gaps': ['a', null, undefined, 'b'],
};

function span(n: number, sampled = true): SpanContext {
  return {
    traceId: n.toString(16).padStart(32, '0'),
    spanId: n.toString(16).padStart(16, 'a'),
    traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
  };
}

/**
 * One collection of every instrument kind, as a periodic reader hands it to an exporter:
 * the SDK's (sums of both value types, gauges, explicit and exponential histograms) and
 * the tallies', with their exemplars when `exemplars` is on.
 */
async function collect(
  options: {
    exemplars?: boolean;
    temporality?: AggregationTemporality;
  } = {},
): Promise<ResourceMetrics> {
  const temporality = options.temporality ?? AggregationTemporality.CUMULATIVE;
  const tallies = new MetricTallies({ exemplars: options.exemplars ?? false });
  const reader = new PullReader({
    metricProducers: [tallies.producer(temporality)],
    aggregationTemporalitySelector: () => temporality,
  });
  const provider = new MeterProvider({
    resource: resourceFromAttributes(
      { 'service.name': 'prs-backend', 'host.name': 'ünïcode-host' },
      { schemaUrl: 'https://opentelemetry.io/schemas/1.26.0' },
    ),
    readers: [reader],
    views: [
      {
        instrumentName: 'exponential',
        aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM },
      },
    ],
  });
  const meter = provider.getMeter('@prs/nestjs-observability', '0.1.0', {
    schemaUrl: 'https://x/schemas/1.26',
  });
  meter
    .createCounter('requests', {
      description: 'Requests',
      unit: '{request}',
      valueType: ValueType.INT,
    })
    .add(3, ATTRIBUTES);
  meter.createCounter('bytes', { unit: 'By' }).add(1.25, { route: '/a' });
  const inFlight = meter.createUpDownCounter('in.flight', {
    valueType: ValueType.INT,
  });
  inFlight.add(-7, { pool: 'a' });
  inFlight.add(2 ** 40, { pool: 'b' });
  meter.createGauge('temperature').record(-0.5, { room: 'b' });
  meter
    .createObservableGauge('heap', { valueType: ValueType.INT })
    .addCallback((result) => result.observe(123_456_789));
  const latency = meter.createHistogram('latency', {
    unit: 's',
    advice: { explicitBucketBoundaries: [0.01, 0.1, 1] },
  });
  for (const value of [0.005, 0.05, 0.5, 5, 0]) latency.record(value);
  const exponential = meter.createHistogram('exponential');
  for (const value of [0, 0.001, 0.003, 1, 7, 1e6]) exponential.record(value);
  provider.getMeter('no-version').createCounter('other').add(1);

  const histogram = tallies.histogram(
    { name: 'prs_http_request_duration_seconds', description: 'd', unit: 's' },
    [0.005, 0.01, 0.1, 1],
  );
  const route = Object.freeze({ route: '/api/deals/:id' });
  histogram.record(0.003, route, span(1));
  histogram.record(0.05, route, span(2, false));
  histogram.record(0.5, route, span(3));
  histogram.record(7, route, span(4));
  histogram.record(0.02, Object.freeze({ route: '/health' }));
  tallies
    .counter({ name: 'prs_http_requests_total', description: 'n' })
    .add(5, route);

  const { resourceMetrics, errors } = await reader.collect();
  expect(errors).toEqual([]);
  return resourceMetrics;
}

describe('encodeMetricsProtobuf / encodeMetricsJson', () => {
  it('without exemplars, both decode to exactly what OpenTelemetry’s serializers send', async () => {
    const metrics = await collect();
    const theirs = decodeProtobuf(
      ProtobufMetricsSerializer.serializeRequest(metrics)!,
    );
    expect(decodeProtobuf(encodeMetricsProtobuf(metrics))).toEqual(theirs);
    expect(decodeJson(encodeMetricsJson(metrics))).toEqual(theirs);
    expect(
      decodeJson(JsonMetricsSerializer.serializeRequest(metrics)!),
    ).toEqual(theirs);
    // Not vacuous: every data point type and both value types are in it.
    const metricsOut = theirs.resourceMetrics[0]!.scopeMetrics.flatMap(
      (s) => s.metrics,
    );
    expect(metricsOut.map((m) => m.name).sort()).toEqual(
      [
        'bytes',
        'exponential',
        'heap',
        'in.flight',
        'latency',
        'other',
        'prs_http_request_duration_seconds',
        'prs_http_requests_total',
        'requests',
        'temperature',
      ].sort(),
    );
  });

  it('delta collections (the tallies’ deltas carry no min and max) decode as OpenTelemetry’s', async () => {
    const metrics = await collect({
      temporality: AggregationTemporality.DELTA,
    });
    const theirs = decodeProtobuf(
      ProtobufMetricsSerializer.serializeRequest(metrics)!,
    );
    expect(decodeProtobuf(encodeMetricsProtobuf(metrics))).toEqual(theirs);
    expect(decodeJson(encodeMetricsJson(metrics))).toEqual(theirs);
    const tallied = histogramPoints(theirs).find((p) =>
      p.attributes.some((a) => a.value.stringValue === '/health'),
    );
    expect(tallied).toBeDefined();
    expect(tallied).not.toHaveProperty('min');
  });

  it('carry the tallies’ exemplars, field by field, in both encodings', async () => {
    const before = Date.now();
    const metrics = await collect({ exemplars: true });
    const input = metrics.scopeMetrics
      .flatMap((s) => s.metrics)
      .find((m) => m.descriptor.name === 'prs_http_request_duration_seconds')!;
    const point = input.dataPoints.find(
      (p) => p.attributes.route === '/api/deals/:id',
    ) as HistogramPointWithExemplars;
    expect(point.exemplars?.filter(Boolean)).toHaveLength(3);

    for (const decoded of [
      decodeProtobuf(encodeMetricsProtobuf(metrics)),
      decodeJson(encodeMetricsJson(metrics)),
    ]) {
      const [resource] = decoded.resourceMetrics;
      expect(resource!.schemaUrl).toBe(
        'https://opentelemetry.io/schemas/1.26.0',
      );
      expect(resource!.resource.attributes).toEqual([
        { key: 'service.name', value: { stringValue: 'prs-backend' } },
        { key: 'host.name', value: { stringValue: 'ünïcode-host' } },
      ]);
      const scope = resource!.scopeMetrics.find(
        (s) => s.scope.name === '@prs/nestjs-observability' && s.schemaUrl,
      );
      expect(scope).toMatchObject({
        scope: { version: '0.1.0' },
        schemaUrl: 'https://x/schemas/1.26',
      });
      const metric = resource!.scopeMetrics
        .flatMap((s) => s.metrics)
        .find((m) => m.name === 'prs_http_request_duration_seconds')!;
      expect(metric).toMatchObject({
        description: 'd',
        unit: 's',
        histogram: { aggregationTemporality: 2 },
      });
      const out = metric.histogram!.dataPoints.find(
        (p) => p.attributes[0]?.value.stringValue === '/api/deals/:id',
      )!;
      const { value } = point;
      expect(out).toMatchObject({
        count: String(value.count),
        sum: value.sum,
        min: value.min,
        max: value.max,
        bucketCounts: value.buckets.counts.map(String),
        explicitBounds: value.buckets.boundaries,
      });
      const expected = point.exemplars!.flatMap((e) => (e ? [e] : []));
      expect(
        out.exemplars!.map((e) => ({
          value: e.asDouble,
          // Microseconds: about what a double of epoch milliseconds holds.
          timeUnixMs: Number(BigInt(e.timeUnixNano) / 1000n) / 1000,
          traceId: Buffer.from(e.traceId, 'base64').toString('hex'),
          spanId: Buffer.from(e.spanId, 'base64').toString('hex'),
        })),
      ).toEqual(
        expected.map((e) => ({
          ...e,
          timeUnixMs: Math.round(e.timeUnixMs * 1000) / 1000,
        })),
      );
      expect(expected.map((e) => e.value)).toEqual([0.003, 0.5, 7]);
      expect(
        Number(out.exemplars![0]!.timeUnixNano) / 1e6,
      ).toBeGreaterThanOrEqual(before);
      // The other point has no sampled record, so no exemplars.
      const health = metric.histogram!.dataPoints.find(
        (p) => p.attributes[0]?.value.stringValue === '/health',
      )!;
      expect(health.exemplars).toEqual([]);
    }
  });

  it('write OTLP/JSON: camelCase, enums as numbers, 64-bit integers as strings, hex ids, NaN by name', () => {
    const metrics = resourceMetrics([
      histogramMetric({
        exemplars: [
          undefined,
          {
            value: 0.5,
            timeUnixMs: 1_764_000_000_123,
            traceId: '0AF7651916CD43DD8448EB211C80319C',
            spanId: 'b7ad6b7169203331',
          },
        ],
      }),
      {
        descriptor: descriptor('nan', ValueType.DOUBLE),
        aggregationTemporality: AggregationTemporality.DELTA,
        dataPointType: DataPointType.GAUGE,
        dataPoints: [point(Number.NaN, { inf: -Infinity, big: 2 ** 64 })],
      },
    ]);
    const json = JSON.parse(
      Buffer.from(encodeMetricsJson(metrics)).toString('utf8'),
    ) as {
      resourceMetrics: {
        scopeMetrics: { metrics: Record<string, unknown>[] }[];
      }[];
    };
    const [histogram, gauge] =
      json.resourceMetrics[0]!.scopeMetrics[0]!.metrics;
    expect(histogram).toEqual({
      name: 'h',
      description: '',
      unit: 's',
      histogram: {
        aggregationTemporality: 2,
        dataPoints: [
          {
            attributes: [{ key: 'k', value: { intValue: '-3' } }],
            startTimeUnixNano: '1764000000000000001',
            timeUnixNano: '1764000060999999999',
            count: '3',
            sum: 1.5,
            bucketCounts: ['1', '2'],
            explicitBounds: [1],
            exemplars: [
              {
                timeUnixNano: '1764000000123000000',
                asDouble: 0.5,
                spanId: 'b7ad6b7169203331',
                traceId: '0af7651916cd43dd8448eb211c80319c',
              },
            ],
            min: 0,
            max: 1,
          },
        ],
      },
    });
    expect(gauge).toMatchObject({
      gauge: {
        dataPoints: [
          {
            attributes: [
              { key: 'inf', value: { doubleValue: '-Infinity' } },
              // Past int64, so a double (as OpenTelemetry's protobuf has it; its JSON
              // writes an intValue no collector can read).
              { key: 'big', value: { doubleValue: 18446744073709552000 } },
            ],
            asDouble: 'NaN',
          },
        ],
      },
    });
    // And protobuf carries the same values.
    expect(decodeProtobuf(encodeMetricsProtobuf(metrics))).toEqual(
      decodeJson(encodeMetricsJson(metrics)),
    );
  });

  it('leave out exemplars with malformed or all-zero ids, and undefined slots', () => {
    const valid = {
      value: 2,
      timeUnixMs: 1_764_000_000_000,
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
    };
    const metrics = resourceMetrics([
      histogramMetric({
        exemplars: [
          { ...valid, traceId: 'not hex at all, but 32 chars long' },
          { ...valid, traceId: '0'.repeat(32) },
          { ...valid, spanId: '00f067aa0ba902' },
          { ...valid, spanId: '0'.repeat(16) },
          undefined,
          valid,
        ],
      }),
      histogramMetric({
        exemplars: [{ ...valid, traceId: 'x'.repeat(32) }, undefined],
      }),
    ]);
    for (const decoded of [
      decodeProtobuf(encodeMetricsProtobuf(metrics)),
      decodeJson(encodeMetricsJson(metrics)),
    ]) {
      const [first, second] = histogramPoints(decoded);
      expect(first!.exemplars).toEqual([
        {
          filteredAttributes: [],
          timeUnixNano: '1764000000000000000',
          asDouble: 2,
          traceId: Buffer.from(valid.traceId, 'hex').toString('base64'),
          spanId: Buffer.from(valid.spanId, 'hex').toString('base64'),
        },
      ]);
      expect(second!.exemplars).toEqual([]);
    }
  });

  it('leave out, with a diagnostic warning, a metric of a data point type they do not know', () => {
    const warn = jest.spyOn(diag, 'warn').mockImplementation(() => {});
    try {
      const unknown = {
        ...histogramMetric({}),
        descriptor: descriptor('from.the.future', ValueType.DOUBLE),
        dataPointType: 99,
      } as unknown as MetricData;
      const metrics = resourceMetrics([unknown, histogramMetric({})]);
      for (const decoded of [
        decodeProtobuf(encodeMetricsProtobuf(metrics)),
        decodeJson(encodeMetricsJson(metrics)),
      ])
        expect(
          decoded.resourceMetrics[0]!.scopeMetrics[0]!.metrics.map(
            (m) => m.name,
          ),
        ).toEqual(['h']);
      expect(warn).toHaveBeenCalledWith(
        expect.stringContaining('from.the.future'),
      );
    } finally {
      warn.mockRestore();
    }
  });

  it('many series in one request: lengths of every size class survive the buffer growing', async () => {
    const reader = new PullReader();
    const meter = new MeterProvider({ readers: [reader] }).getMeter('t');
    const histogram = meter.createHistogram('h');
    for (let i = 0; i < 2000; i++)
      histogram.record(i, { i, text: 'é'.repeat(i % 300) });
    const { resourceMetrics: metrics } = await reader.collect();
    const ours = encodeMetricsProtobuf(metrics);
    expect(ours.length).toBeGreaterThan(1_000_000);
    expect(decodeProtobuf(ours)).toEqual(
      decodeProtobuf(ProtobufMetricsSerializer.serializeRequest(metrics)!),
    );
  });

  it('an empty collection is a request with only its resource', () => {
    const metrics = resourceMetrics([]);
    metrics.scopeMetrics = [];
    expect(decodeProtobuf(encodeMetricsProtobuf(metrics))).toEqual(
      decodeProtobuf(ProtobufMetricsSerializer.serializeRequest(metrics)!),
    );
  });
});

function descriptor(name: string, valueType: ValueType) {
  return { name, description: '', unit: 's', valueType };
}

function point<T>(value: T, attributes: Attributes = {}) {
  return {
    startTime: [1_764_000_000, 1] as [number, number],
    endTime: [1_764_000_060, 999_999_999] as [number, number],
    attributes,
    value,
  };
}

function histogramMetric(
  extra: Pick<HistogramPointWithExemplars, 'exemplars'>,
): MetricData {
  const dataPoint: HistogramPointWithExemplars = {
    ...point(
      {
        buckets: { boundaries: [1], counts: [1, 2] },
        sum: 1.5,
        count: 3,
        min: 0,
        max: 1,
      },
      { k: -3 },
    ),
    ...extra,
  };
  return {
    descriptor: descriptor('h', ValueType.DOUBLE),
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.HISTOGRAM,
    dataPoints: [dataPoint],
  };
}

function resourceMetrics(metrics: MetricData[]): ResourceMetrics {
  return {
    resource: resourceFromAttributes({ 'service.name': 's' }),
    scopeMetrics: [{ scope: { name: 'scope' }, metrics }],
  };
}
