import {
  attributesOf,
  decodeOtlpRequest,
  hexId,
  hexToBase64,
  type KeyValue,
  otlpServiceTypes,
} from './otlp-common';
import {
  startHttpReceiver,
  type DecodedRequest,
  type ReceiverMode,
} from './trace-receivers/receiver-core';
import {
  type ReceivedAttributeValue,
  type ReceivedRequest,
} from './trace-receivers/received-span';

/** ExportMetricsService{Request,Response}, loaded once from the vendored .proto files. */
export const otlpMetricTypes = () => otlpServiceTypes('metrics');

interface OtlpExemplar {
  filteredAttributes?: KeyValue[];
  timeUnixNano?: string;
  asDouble?: number;
  asInt?: string;
  spanId?: string;
  traceId?: string;
}
interface OtlpNumberPoint {
  attributes?: KeyValue[];
  startTimeUnixNano?: string;
  timeUnixNano?: string;
  asDouble?: number;
  asInt?: string;
  exemplars?: OtlpExemplar[];
  flags?: number;
}
interface OtlpHistogramPoint {
  attributes?: KeyValue[];
  startTimeUnixNano?: string;
  timeUnixNano?: string;
  count?: string;
  sum?: number;
  bucketCounts?: string[];
  explicitBounds?: number[];
  exemplars?: OtlpExemplar[];
  flags?: number;
  min?: number;
  max?: number;
}
interface OtlpMetric {
  name?: string;
  description?: string;
  unit?: string;
  gauge?: { dataPoints?: OtlpNumberPoint[] };
  sum?: {
    dataPoints?: OtlpNumberPoint[];
    aggregationTemporality?: number;
    isMonotonic?: boolean;
  };
  histogram?: {
    dataPoints?: OtlpHistogramPoint[];
    aggregationTemporality?: number;
  };
  exponentialHistogram?: {
    dataPoints?: { attributes?: KeyValue[]; exemplars?: OtlpExemplar[] }[];
    aggregationTemporality?: number;
  };
  summary?: { dataPoints?: { attributes?: KeyValue[] }[] };
}
/** A decoded ExportMetricsServiceRequest (protobufjs object form: int64 as decimal strings, bytes base64). */
export interface OtlpMetricsRequest {
  resourceMetrics?: {
    resource?: { attributes?: KeyValue[] };
    scopeMetrics?: {
      scope?: { name?: string; version?: string };
      metrics?: OtlpMetric[];
    }[];
  }[];
}

export type MetricKind =
  'sum' | 'gauge' | 'histogram' | 'exponentialHistogram' | 'summary';
export type MetricTemporality = 'cumulative' | 'delta' | 'unspecified';

/** One exemplar, ids as lowercase hex. */
export interface ReceivedExemplar {
  traceId?: string;
  spanId?: string;
  value: number;
  timeUnixNano: bigint;
  attributes: Record<string, ReceivedAttributeValue>;
}

/** An explicit-bucket histogram point: per-bucket counts (not cumulative), `bounds.length + 1` of them. */
export interface HistogramValue {
  count: number;
  sum: number | undefined;
  bucketCounts: number[];
  bounds: number[];
  min?: number;
  max?: number;
  exemplars: ReceivedExemplar[];
}

/** One data point of one metric of one export, flattened. */
export interface MetricSeries {
  name: string;
  unit: string;
  description: string;
  kind: MetricKind;
  temporality: MetricTemporality;
  /** Sums only. */
  monotonic?: boolean;
  attributes: Record<string, ReceivedAttributeValue>;
  resource: Record<string, ReceivedAttributeValue>;
  scope: string;
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  /** Sum and gauge points: the number; histograms: {@link HistogramValue}; other kinds: NaN. */
  value: number | HistogramValue;
  /** Exemplars of a number point (histograms carry theirs in `value.exemplars`). */
  exemplars: ReceivedExemplar[];
}

/** One export request the receiver decoded and answered 200. */
export interface ReceivedMetricsExport {
  /** `application/x-protobuf` or `application/json` (the Content-Encoding is in `requests()`). */
  contentType: string;
  /** `Date.now()` when it arrived. */
  receivedAtMs: number;
  request: OtlpMetricsRequest;
  series: MetricSeries[];
}

const TEMPORALITY: Record<number, MetricTemporality> = {
  0: 'unspecified',
  1: 'delta',
  2: 'cumulative',
};

function exemplarsOf(list: OtlpExemplar[] | undefined): ReceivedExemplar[] {
  return (list ?? []).map((e) => {
    const traceId = hexId(e.traceId, 16, 'exemplar traceId');
    const spanId = hexId(e.spanId, 8, 'exemplar spanId');
    return {
      ...(traceId ? { traceId } : {}),
      ...(spanId ? { spanId } : {}),
      value: e.asDouble ?? Number(e.asInt ?? NaN),
      timeUnixNano: BigInt(e.timeUnixNano ?? 0),
      attributes: attributesOf(e.filteredAttributes),
    };
  });
}

/** Flattens one decoded export request into one entry per data point. */
export function flattenMetrics(request: OtlpMetricsRequest): MetricSeries[] {
  const out: MetricSeries[] = [];
  for (const rm of request.resourceMetrics ?? []) {
    const resource = attributesOf(rm.resource?.attributes);
    for (const sm of rm.scopeMetrics ?? []) {
      const scope = sm.scope?.name ?? '';
      for (const metric of sm.metrics ?? []) {
        const base = {
          name: metric.name ?? '',
          unit: metric.unit ?? '',
          description: metric.description ?? '',
          resource,
          scope,
        };
        const times = (p: {
          startTimeUnixNano?: string;
          timeUnixNano?: string;
        }) => ({
          startTimeUnixNano: BigInt(p.startTimeUnixNano ?? 0),
          timeUnixNano: BigInt(p.timeUnixNano ?? 0),
        });
        const number = (p: OtlpNumberPoint) =>
          p.asDouble ?? Number(p.asInt ?? NaN);
        if (metric.sum) {
          const temporality =
            TEMPORALITY[metric.sum.aggregationTemporality ?? 0] ??
            'unspecified';
          for (const p of metric.sum.dataPoints ?? [])
            out.push({
              ...base,
              kind: 'sum',
              temporality,
              monotonic: metric.sum.isMonotonic ?? false,
              attributes: attributesOf(p.attributes),
              ...times(p),
              value: number(p),
              exemplars: exemplarsOf(p.exemplars),
            });
        } else if (metric.gauge) {
          for (const p of metric.gauge.dataPoints ?? [])
            out.push({
              ...base,
              kind: 'gauge',
              temporality: 'unspecified',
              attributes: attributesOf(p.attributes),
              ...times(p),
              value: number(p),
              exemplars: exemplarsOf(p.exemplars),
            });
        } else if (metric.histogram) {
          const temporality =
            TEMPORALITY[metric.histogram.aggregationTemporality ?? 0] ??
            'unspecified';
          for (const p of metric.histogram.dataPoints ?? []) {
            const value: HistogramValue = {
              count: Number(p.count ?? 0),
              sum: p.sum,
              bucketCounts: (p.bucketCounts ?? []).map(Number),
              bounds: [...(p.explicitBounds ?? [])],
              ...(p.min !== undefined ? { min: p.min } : {}),
              ...(p.max !== undefined ? { max: p.max } : {}),
              exemplars: exemplarsOf(p.exemplars),
            };
            out.push({
              ...base,
              kind: 'histogram',
              temporality,
              attributes: attributesOf(p.attributes),
              ...times(p),
              value,
              exemplars: [],
            });
          }
        } else if (metric.exponentialHistogram) {
          const temporality =
            TEMPORALITY[
              metric.exponentialHistogram.aggregationTemporality ?? 0
            ] ?? 'unspecified';
          for (const p of metric.exponentialHistogram.dataPoints ?? [])
            out.push({
              ...base,
              kind: 'exponentialHistogram',
              temporality,
              attributes: attributesOf(p.attributes),
              startTimeUnixNano: 0n,
              timeUnixNano: 0n,
              value: NaN,
              exemplars: exemplarsOf(p.exemplars),
            });
        } else if (metric.summary) {
          for (const p of metric.summary.dataPoints ?? [])
            out.push({
              ...base,
              kind: 'summary',
              temporality: 'unspecified',
              attributes: attributesOf(p.attributes),
              startTimeUnixNano: 0n,
              timeUnixNano: 0n,
              value: NaN,
              exemplars: [],
            });
        }
      }
    }
  }
  return out;
}

/** OTLP/JSON ids are hex (not proto3-JSON base64); re-encode them so the schema can take over. */
function hexIdsToBase64(request: OtlpMetricsRequest): OtlpMetricsRequest {
  const convert = hexToBase64;
  for (const metric of (request.resourceMetrics ?? []).flatMap((r) =>
    (r.scopeMetrics ?? []).flatMap((s) => s.metrics ?? []),
  )) {
    const points: { exemplars?: OtlpExemplar[] }[] = [
      ...(metric.sum?.dataPoints ?? []),
      ...(metric.gauge?.dataPoints ?? []),
      ...(metric.histogram?.dataPoints ?? []),
      ...(metric.exponentialHistogram?.dataPoints ?? []),
    ];
    for (const exemplar of points.flatMap((p) => p.exemplars ?? [])) {
      exemplar.traceId = convert(exemplar.traceId, 'exemplar traceId');
      exemplar.spanId = convert(exemplar.spanId, 'exemplar spanId');
    }
  }
  return request;
}

/**
 * Decodes one `POST /v1/metrics` body by its Content-Type, as an OTLP/HTTP collector does:
 * protobuf with the official schema's `decode`, OTLP/JSON through its `fromObject` (after
 * the hex-id step). Unknown content types throw with status 415.
 */
export function decodeOtlpMetricsBody(
  body: Buffer,
  contentType: string,
): { request: OtlpMetricsRequest; answer: Uint8Array | string } {
  return decodeOtlpRequest('metrics', body, contentType, hexIdsToBase64);
}

export type ExportCondition =
  number | ((exports: ReceivedMetricsExport[]) => boolean);

export interface MetricReceiver {
  /** `http://127.0.0.1:<port>/v1/metrics` */
  url: string;
  port: number;
  setMode(mode: ReceiverMode): void;
  /** Every request, decoded or not (held, failed, refused by content type): status, error. */
  requests(): ReceivedRequest[];
  /** Exports decoded and answered 200, in arrival order. */
  exports(): ReceivedMetricsExport[];
  /** Resolves with all exports once `count` arrived or `predicate(exports)` holds. */
  waitForExports(
    condition: ExportCondition,
    timeoutMs: number,
  ): Promise<ReceivedMetricsExport[]>;
  reset(): void;
  close(): Promise<void>;
}

/**
 * An in-process OTLP/HTTP metrics collector on `http://127.0.0.1:<port>/v1/metrics`, built
 * on the trace receivers' core: `application/x-protobuf` and `application/json`, optionally
 * gzip/deflate-encoded, answered with an empty `ExportMetricsServiceResponse`; the same
 * fault modes (`blackhole`, `failWith`, `delayMs`).
 */
export async function startMetricReceiver(
  options: ReceiverMode = {},
): Promise<MetricReceiver> {
  otlpMetricTypes(); // load the .proto files up front so a broken definition fails fast
  const received: ReceivedMetricsExport[] = [];
  const waiters = new Set<() => void>();
  const core = await startHttpReceiver({
    path: '/v1/metrics',
    mode: options,
    decode: (body: Buffer, contentType: string): DecodedRequest => {
      const { request, answer } = decodeOtlpMetricsBody(body, contentType);
      received.push({
        contentType,
        receivedAtMs: Date.now(),
        request,
        series: flattenMetrics(request),
      });
      waiters.forEach((wake) => wake());
      return { spans: [], response: { contentType, body: answer } };
    },
  });
  const waitForExports = (
    condition: ExportCondition,
    timeoutMs: number,
  ): Promise<ReceivedMetricsExport[]> =>
    new Promise((resolve, reject) => {
      const done = () =>
        typeof condition === 'number'
          ? received.length >= condition
          : condition([...received]);
      const check = () => {
        try {
          if (!done()) return;
          finish();
          resolve([...received]);
        } catch (error) {
          finish();
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      };
      const timer = setTimeout(() => {
        finish();
        const want =
          typeof condition === 'number'
            ? `${condition} export(s)`
            : 'predicate';
        const statuses = core
          .requests()
          .map((r) => `${r.contentType} ${r.status ?? 'held'} ${r.error ?? ''}`)
          .join('\n');
        reject(
          new Error(
            `Timed out after ${timeoutMs}ms waiting for ${want}; got ${received.length} export(s), requests:\n${statuses || '(none)'}`,
          ),
        );
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  return {
    url: core.url,
    port: core.port,
    setMode: core.setMode,
    requests: core.requests,
    exports: () => [...received],
    waitForExports,
    reset: () => {
      received.length = 0;
      core.reset();
    },
    close: core.close,
  };
}

/**
 * What Prometheus text exposition lines a set of cumulative series should appear as:
 * `name{labels}` → value, with counters named `_total`, histograms as cumulative
 * `_bucket{le}`, `_sum` and `_count`. Keys have labels sorted, as {@link sampleKey} makes them.
 */
export function asExposition(series: MetricSeries[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of series) {
    const labels = Object.fromEntries(
      Object.entries(s.attributes).map(([k, v]) => [k, String(v)]),
    );
    if (typeof s.value === 'number') {
      const name =
        s.kind === 'sum' && s.monotonic && !s.name.endsWith('_total')
          ? `${s.name}_total`
          : s.name;
      out.set(sampleKey(name, labels), s.value);
      continue;
    }
    const h = s.value;
    let cumulative = 0;
    h.bucketCounts.forEach((n, i) => {
      cumulative += n;
      const le = i < h.bounds.length ? String(h.bounds[i]) : '+Inf';
      out.set(sampleKey(`${s.name}_bucket`, { ...labels, le }), cumulative);
    });
    out.set(sampleKey(`${s.name}_sum`, labels), h.sum ?? NaN);
    out.set(sampleKey(`${s.name}_count`, labels), h.count);
  }
  return out;
}

/** `name{a="1",b="2"}` with labels sorted by name; `le` values normalised as numbers. */
export function sampleKey(
  name: string,
  labels: Record<string, string>,
): string {
  const pairs = Object.keys(labels)
    .sort()
    .map((k) => {
      const v = labels[k] as string;
      const value =
        k === 'le' && v !== '+Inf' && Number.isFinite(Number(v))
          ? String(Number(v))
          : v;
      return `${k}=${JSON.stringify(value)}`;
    });
  return `${name}{${pairs.join(',')}}`;
}

/** Sums delta series by (name, attributes): counters add up, histograms add bucket by bucket. */
export function sumDeltas(series: MetricSeries[]): MetricSeries[] {
  const byKey = new Map<string, MetricSeries>();
  for (const s of series) {
    const key = `${s.name}\0${JSON.stringify(Object.entries(s.attributes).sort())}`;
    const seen = byKey.get(key);
    if (seen === undefined) {
      byKey.set(key, {
        ...s,
        value:
          typeof s.value === 'number'
            ? s.value
            : {
                ...s.value,
                bucketCounts: [...s.value.bucketCounts],
                exemplars: [...s.value.exemplars],
              },
      });
      continue;
    }
    if (typeof seen.value === 'number' && typeof s.value === 'number') {
      seen.value += s.value;
    } else if (typeof seen.value !== 'number' && typeof s.value !== 'number') {
      const into = seen.value;
      if (into.bounds.join() !== s.value.bounds.join())
        throw new Error(`${s.name}: bucket bounds changed between exports`);
      into.count += s.value.count;
      into.sum = (into.sum ?? 0) + (s.value.sum ?? 0);
      s.value.bucketCounts.forEach((n, i) => {
        into.bucketCounts[i] = (into.bucketCounts[i] ?? 0) + n;
      });
      into.exemplars.push(...s.value.exemplars);
    } else {
      throw new Error(`${s.name}: a number and a histogram under one name`);
    }
  }
  return [...byKey.values()];
}
