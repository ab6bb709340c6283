import { ValueType } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  type MetricData,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type { SnapshotMetric } from '../metrics/cluster-protocol';
import type { ExpositionFormat } from '../metrics/exposition-format';
import { writeExposition } from '../metrics/exposition';

const NO_TIME: [number, number] = [0, 0];

/** Writes merged snapshot metrics with the same writer (and names) as a single process's `/metrics`. */
export function writeGroupExposition(
  metrics: readonly SnapshotMetric[],
  format: ExpositionFormat,
  onDropped?: (message: string) => void,
): string {
  const resourceMetrics = {
    scopeMetrics: [
      {
        scope: { name: '@prs/nestjs-observability/cluster' },
        metrics: metrics.map(toMetricData),
      },
    ],
  } as unknown as ResourceMetrics;
  return writeExposition(resourceMetrics, format, onDropped);
}

function toMetricData(metric: SnapshotMetric): MetricData {
  const descriptor = {
    name: metric.name,
    description: metric.description,
    unit: metric.unit,
    valueType: ValueType.DOUBLE,
  };
  const base = {
    descriptor,
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
  };
  if (metric.kind === 'histogram')
    return {
      ...base,
      dataPointType: DataPointType.HISTOGRAM,
      dataPoints: metric.points.flatMap(({ attributes, histogram }) =>
        histogram
          ? [
              {
                attributes,
                startTime: NO_TIME,
                endTime: NO_TIME,
                value: {
                  buckets: {
                    boundaries: histogram.boundaries,
                    counts: histogram.counts,
                  },
                  count: histogram.count,
                  sum: histogram.sum,
                },
              },
            ]
          : [],
      ),
    };
  const dataPoints = metric.points.flatMap(({ attributes, value }) =>
    value === undefined
      ? []
      : [{ attributes, startTime: NO_TIME, endTime: NO_TIME, value }],
  );
  if (metric.kind === 'gauge')
    return { ...base, dataPointType: DataPointType.GAUGE, dataPoints };
  return {
    ...base,
    dataPointType: DataPointType.SUM,
    isMonotonic: metric.kind === 'counter',
    dataPoints,
  };
}
