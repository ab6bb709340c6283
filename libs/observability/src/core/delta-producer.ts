import type { HrTime } from '@opentelemetry/api';
import { hrTime, hrTimeToMilliseconds } from '@opentelemetry/core';
import {
  AggregationTemporality,
  type CollectionResult,
  type DataPoint,
  DataPointType,
  type Histogram,
  type MetricData,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';
import {
  exemplarsOf,
  type HistogramPointWithExemplars,
  labelKey,
} from './tally-points';

/**
 * Delta temporality over the cumulative tallies: each collection hands out what changed
 * since the previous one (series with no new records are left out) and remembers the
 * totals. Memory: one number or one bucket array per series, bounded by the series limit.
 * Histogram min and max are not reported (they are not known per interval).
 */
export class DeltaProducer implements MetricProducer {
  private readonly previous = new Map<string, Map<string, unknown>>();
  private lastTime: HrTime;

  constructor(
    /** The tallies' cumulative collection at an instant. */
    private readonly collectAt: (now: HrTime) => CollectionResult,
    startTime: HrTime,
  ) {
    this.lastTime = startTime;
  }

  collect(): Promise<CollectionResult> {
    const now = hrTime();
    const result = this.collectAt(now);
    const since = this.lastTime;
    const sinceMs = hrTimeToMilliseconds(since);
    for (const scope of result.resourceMetrics.scopeMetrics) {
      scope.metrics = scope.metrics.map((metric) => {
        let seen = this.previous.get(metric.descriptor.name);
        if (seen === undefined) {
          seen = new Map<string, unknown>();
          this.previous.set(metric.descriptor.name, seen);
        }
        return deltaOf(metric, seen, since, sinceMs);
      });
    }
    this.lastTime = now;
    return Promise.resolve(result);
  }
}

function deltaOf(
  metric: MetricData,
  seen: Map<string, unknown>,
  since: HrTime,
  sinceMs: number,
): MetricData {
  if (metric.dataPointType === DataPointType.SUM) {
    const dataPoints: DataPoint<number>[] = [];
    for (const point of metric.dataPoints) {
      const key = labelKey(point.attributes);
      const before = (seen.get(key) as number | undefined) ?? 0;
      seen.set(key, point.value);
      if (point.value !== before)
        dataPoints.push({
          ...point,
          startTime: since,
          value: point.value - before,
        });
    }
    return {
      ...metric,
      aggregationTemporality: AggregationTemporality.DELTA,
      dataPoints,
    };
  }
  if (metric.dataPointType === DataPointType.HISTOGRAM) {
    const dataPoints: HistogramPointWithExemplars[] = [];
    for (const point of metric.dataPoints) {
      const key = labelKey(point.attributes);
      const before = seen.get(key) as Histogram | undefined;
      const now = point.value;
      seen.set(key, now);
      if (before !== undefined && now.count === before.count) continue;
      const exemplars = exemplarsOf(point)?.map((exemplar) =>
        exemplar !== undefined && exemplar.timeUnixMs > sinceMs
          ? exemplar
          : undefined,
      );
      dataPoints.push({
        attributes: point.attributes,
        startTime: since,
        endTime: point.endTime,
        value: {
          buckets: {
            boundaries: now.buckets.boundaries,
            counts: now.buckets.counts.map(
              (n, i) => n - (before?.buckets.counts[i] ?? 0),
            ),
          },
          sum: (now.sum ?? 0) - (before?.sum ?? 0),
          count: now.count - (before?.count ?? 0),
        },
        ...(exemplars !== undefined ? { exemplars } : {}),
      });
    }
    return {
      ...metric,
      aggregationTemporality: AggregationTemporality.DELTA,
      dataPoints,
    };
  }
  return metric;
}
