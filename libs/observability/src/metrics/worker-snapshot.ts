import {
  DataPointType,
  type Histogram,
  type MetricData,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type {
  SnapshotKind,
  SnapshotMetric,
  SnapshotPoint,
} from './cluster-protocol';

/**
 * One collection as plain JSON for the primary: names, descriptions, units, kinds and
 * cumulative points. Exemplars and exponential histograms (which have no Prometheus
 * form) are left out.
 */
export function snapshotMetrics(
  resourceMetrics: ResourceMetrics,
): SnapshotMetric[] {
  const out: SnapshotMetric[] = [];
  for (const { metrics } of resourceMetrics.scopeMetrics)
    for (const metric of metrics) {
      const kind = kindOf(metric);
      if (kind === undefined) continue;
      const { name, description, unit } = metric.descriptor;
      out.push({ name, description, unit, kind, points: pointsOf(metric) });
    }
  return out;
}

function kindOf(metric: MetricData): SnapshotKind | undefined {
  switch (metric.dataPointType) {
    case DataPointType.SUM:
      return metric.isMonotonic ? 'counter' : 'updown';
    case DataPointType.GAUGE:
      return 'gauge';
    case DataPointType.HISTOGRAM:
      return 'histogram';
    default:
      return undefined;
  }
}

function pointsOf(metric: MetricData): SnapshotPoint[] {
  if (metric.dataPointType === DataPointType.HISTOGRAM)
    return metric.dataPoints.map(({ attributes, value }) => ({
      attributes,
      histogram: histogramOf(value),
    }));
  if (metric.dataPointType === DataPointType.EXPONENTIAL_HISTOGRAM) return [];
  return metric.dataPoints.map(({ attributes, value }) => ({
    attributes,
    value,
  }));
}

/** Infinity does not survive JSON: an aggregation listing it as the last bound has it folded into +Inf. */
function histogramOf(value: Histogram): SnapshotPoint['histogram'] {
  const boundaries = [...value.buckets.boundaries];
  const counts = [...value.buckets.counts];
  if (boundaries.at(-1) === Infinity) {
    boundaries.pop();
    const last = counts.pop() ?? 0;
    counts[counts.length - 1] = (counts.at(-1) ?? 0) + last;
  }
  return {
    boundaries,
    counts,
    count: value.count,
    ...(value.sum === undefined ? {} : { sum: value.sum }),
  };
}
