import type { Counter, Meter } from '@opentelemetry/api';
import type { MetricTallies } from '../../core/metric-tallies';
import { metricNames, type MetricNames } from '../../core/metric-names';
import { SeriesLimiter } from '../../core/series-limiter';

/**
 * What every capability's instruments share: the exposition names (prefix applied),
 * the meter and tallies they are created on, and the series budget. A label set past a
 * metric's budget folds into its overflow series and is counted in
 * `prs_metric_series_overflow_total{metric}`.
 */
export class MetricBudget {
  readonly names: MetricNames;
  private readonly overflow: Counter;

  constructor(
    readonly meter: Meter,
    readonly tallies: MetricTallies,
    prefix: string,
    private readonly limit: number,
  ) {
    this.names = metricNames(prefix);
    this.overflow = meter.createCounter(this.names.seriesOverflow, {
      description:
        "Recordings folded into a metric's overflow series because its series budget was spent",
    });
  }

  /** A series limiter over `labels` whose overflow is counted against `metric`. */
  series(labels: readonly string[], metric: string): SeriesLimiter {
    const attributes = Object.freeze({ metric });
    return new SeriesLimiter(labels, this.limit, () =>
      this.overflow.add(1, attributes),
    );
  }
}

/** Bucket bounds, in seconds, for database and cache durations: sub-millisecond to 10 s. */
export const DEPENDENCY_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
  10,
];
