import type { Gauge, Histogram } from '@opentelemetry/api';
import type { SeriesLimiter } from '../../core/series-limiter';
import type { MetricBudget } from './metric-budget';

/** `prs_health_check_status` and `prs_health_check_duration_seconds`. */
export class HealthMetrics {
  private readonly status: Gauge;
  private readonly duration: Histogram;
  private readonly series: SeriesLimiter;

  constructor(budget: MetricBudget) {
    const { names, meter } = budget;
    this.status = meter.createGauge(names.healthCheckStatus, {
      description:
        'Health check status at its last evaluation, by check: 1 up, 0 down',
    });
    this.duration = meter.createHistogram(names.healthCheckDuration, {
      description:
        'Health check duration in seconds, by check (a timed-out check records its timeout)',
      unit: 's',
      advice: {
        explicitBucketBoundaries: [
          0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
        ],
      },
    });
    // One series limiter for both instruments: they share the `check` label set.
    this.series = budget.series(['check'], names.healthCheckStatus);
  }

  /** Records one health check evaluation: its status (1 up, 0 down) and duration. */
  record(check: string, up: boolean, seconds: number): void {
    const attributes = this.series.attributes(check);
    this.status.record(up ? 1 : 0, attributes);
    this.duration.record(seconds, attributes);
  }
}
