import type { TalliedCounter } from '../../core/metric-tallies';
import type { SeriesLimiter } from '../../core/series-limiter';
import type { MetricBudget } from './metric-budget';

/** `prs_business_events_total`. */
export class BusinessEventMetrics {
  private readonly events: TalliedCounter;
  private readonly series: SeriesLimiter;

  constructor(budget: MetricBudget) {
    const { names, tallies } = budget;
    this.events = tallies.counter({
      name: names.businessEvents,
      description:
        'Business events, by event type and status (success or failure)',
    });
    this.series = budget.series(['event_type', 'status'], names.businessEvents);
  }

  /** Counts one business event. */
  record(eventType: string, status: 'success' | 'failure'): void {
    this.events.add(1, this.series.attributes(eventType, status));
  }
}
