import type { ActiveUsersShare } from '../cluster-protocol';
import type { MetricBudget } from './metric-budget';

/** Reads the current number of active users; `undefined` reports nothing this scrape. */
export type ActiveUsersSource = () => number | undefined;

/** `prs_active_users_total`, read from a pluggable source at each collection. */
export class ActiveUsersMetrics {
  private source: ActiveUsersSource | undefined;
  private sharer: (() => ActiveUsersShare | undefined) | undefined;

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

  /** Sets where a cluster worker reads its mergeable distinct-user state (docs/cluster.md). */
  setSharer(sharer: (() => ActiveUsersShare | undefined) | undefined): void {
    this.sharer = sharer;
  }

  /** This process's mergeable distinct-user state, if the in-process window is in use. */
  share(): ActiveUsersShare | undefined {
    return this.sharer?.();
  }
}
