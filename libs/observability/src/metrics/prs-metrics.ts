import type { Counter, Histogram, Meter, ObservableGauge } from '@opentelemetry/api';
import type { ResolvedObservabilityOptions } from '../options/resolved-options';
import { metricNames, type MetricNames } from './metric-names';
import { SeriesLimiter } from './series-limiter';

/** Reads the current number of active users; `undefined` reports nothing this scrape. */
export type ActiveUsersSource = () => number | undefined;

/**
 * The `prs_*` instruments. Created once the SDK runs (instruments made before the
 * MeterProvider is registered stay no-ops forever), each with a series budget.
 * Other capabilities record through the methods here, never through raw instruments.
 */
export class PrsMetrics {
  /** The exposition names in use (prefix applied). */
  readonly names: MetricNames;

  private readonly httpRequests: Counter;
  private readonly httpDuration: Histogram;
  private readonly databaseQueries: Counter;
  private readonly businessEvents: Counter;
  private readonly activeUsers: ObservableGauge;
  private readonly seriesOverflow: Counter;

  private readonly httpRequestSeries: SeriesLimiter;
  private readonly httpDurationSeries: SeriesLimiter;
  private readonly databaseQuerySeries: SeriesLimiter;
  private readonly businessEventSeries: SeriesLimiter;
  private activeUsersSource: ActiveUsersSource | undefined;

  constructor(meter: Meter, options: ResolvedObservabilityOptions) {
    const names = (this.names = metricNames(options.metrics.prefix));
    const limit = options.metrics.seriesLimit;

    this.seriesOverflow = meter.createCounter(names.seriesOverflow, {
      description: 'Recordings folded into a metric\'s overflow series because its series budget was spent',
    });
    const overflowOf = (metric: string) => {
      const attrs = Object.freeze({ metric });
      return () => this.seriesOverflow.add(1, attrs);
    };

    this.httpRequests = meter.createCounter(names.httpRequests, {
      description: 'HTTP requests served, by method, route template and status code',
    });
    this.httpDuration = meter.createHistogram(names.httpRequestDuration, {
      description: 'HTTP request duration in seconds, from first byte received to response finished',
      unit: 's',
      advice: { explicitBucketBoundaries: options.http.durationBuckets },
    });
    this.databaseQueries = meter.createCounter(names.databaseQueries, {
      description: 'Database queries, by operation and table; failed queries have operation "error"',
    });
    this.businessEvents = meter.createCounter(names.businessEvents, {
      description: 'Business events, by event type and status (success or failure)',
    });
    this.activeUsers = meter.createObservableGauge(names.activeUsers, {
      description: 'Distinct users active in the recent window',
    });
    this.activeUsers.addCallback((result) => {
      const value = this.activeUsersSource?.();
      if (typeof value === 'number' && Number.isFinite(value)) result.observe(value);
    });

    this.httpRequestSeries = new SeriesLimiter(
      ['method', 'endpoint', 'status_code'],
      limit,
      overflowOf(names.httpRequests),
    );
    this.httpDurationSeries = new SeriesLimiter(
      ['method', 'endpoint'],
      limit,
      overflowOf(names.httpRequestDuration),
    );
    this.databaseQuerySeries = new SeriesLimiter(
      ['operation', 'table'],
      limit,
      overflowOf(names.databaseQueries),
    );
    this.businessEventSeries = new SeriesLimiter(
      ['event_type', 'status'],
      limit,
      overflowOf(names.businessEvents),
    );
  }

  /** Counts one finished (or aborted) HTTP request and observes its duration. */
  recordHttpRequest(method: string, endpoint: string, statusCode: string, seconds: number): void {
    this.httpRequests.add(1, this.httpRequestSeries.attributes(method, endpoint, statusCode));
    this.httpDuration.record(seconds, this.httpDurationSeries.attributes(method, endpoint));
  }

  /** Counts one database query (`operation` is `error` for a failed one). */
  recordDatabaseQuery(operation: string, table: string): void {
    this.databaseQueries.add(1, this.databaseQuerySeries.attributes(operation, table));
  }

  /** Counts one business event. */
  recordBusinessEvent(eventType: string, status: 'success' | 'failure'): void {
    this.businessEvents.add(1, this.businessEventSeries.attributes(eventType, status));
  }

  /** Sets where `prs_active_users_total` reads its value at each scrape. */
  setActiveUsersSource(source: ActiveUsersSource | undefined): void {
    this.activeUsersSource = source;
  }
}
