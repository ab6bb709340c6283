import type { MetricBudget } from './metric-budget';

/** Reads the current number of active users; `undefined` reports nothing this scrape. */
export type ActiveUsersSource = () => number | undefined;

/** `prs_active_users_total`, read from a pluggable source at each collection. */
export class ActiveUsersMetrics {
  private source: ActiveUsersSource | undefined;

  constructor(budget: MetricBudget) {
    budget.meter
      .createObservableGauge(budget.names.activeUsers, {
        description: 'Distinct users active in the recent window',
      })
      .addCallback((result) => {
        const value = this.source?.();
        if (typeof value === 'number' && Number.isFinite(value))
          result.observe(value);
      });
  }

  /** Sets where the gauge reads its value at each collection. */
  setSource(source: ActiveUsersSource | undefined): void {
    this.source = source;
  }
}
