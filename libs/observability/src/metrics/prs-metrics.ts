import type {
  Counter,
  Gauge,
  Histogram,
  Meter,
  ObservableGauge,
} from '@opentelemetry/api';
import type { ResolvedObservabilityOptions } from '../options/resolved-options';
import { metricNames, type MetricNames } from './metric-names';
import type {
  MetricTallies,
  TalliedCounter,
  TalliedHistogram,
} from './metric-tallies';
import { SeriesLimiter } from './series-limiter';

/** Bucket bounds, in seconds, for database and cache durations: sub-millisecond to 10 s. */
const DEPENDENCY_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
  10,
];

/** Reads the current number of active users; `undefined` reports nothing this scrape. */
export type ActiveUsersSource = () => number | undefined;

/**
 * The `prs_*` instruments, each with a series budget. Those recorded per request, query
 * or cache command are tallies read by the metric reader at scrape ({@link MetricTallies});
 * the rest are OpenTelemetry instruments, created once the SDK runs (instruments made
 * before the MeterProvider is registered stay no-ops forever). Other capabilities record
 * through the methods here, never through raw instruments.
 */
export class PrsMetrics {
  /** The exposition names in use (prefix applied). */
  readonly names: MetricNames;

  private readonly httpRequests: TalliedCounter;
  private readonly httpDuration: TalliedHistogram;
  private readonly databaseQueries: TalliedCounter;
  private readonly businessEvents: TalliedCounter;
  private readonly activeUsers: ObservableGauge;
  private readonly seriesOverflow: Counter;

  private readonly httpRequestSeries: SeriesLimiter;
  private readonly httpDurationSeries: SeriesLimiter;
  private readonly databaseQuerySeries: SeriesLimiter;
  private readonly databaseQueryDuration: TalliedHistogram;
  private readonly cacheOperations: TalliedCounter;
  private readonly cacheOperationDuration: TalliedHistogram;
  private readonly cacheOperationSeries: SeriesLimiter;
  private readonly cacheDurationSeries: SeriesLimiter;
  private readonly businessEventSeries: SeriesLimiter;
  private activeUsersSource: ActiveUsersSource | undefined;
  private readonly healthStatus: Gauge;
  private readonly healthDuration: Histogram;
  private readonly healthCheckSeries: SeriesLimiter;
  private readonly logRecordsDropped: Counter;
  // Labels come from fixed sets (4 destinations x 3 reasons): no series budget needed.
  private readonly logDropAttributes = new Map<
    string,
    Readonly<Record<string, string>>
  >();

  constructor(
    meter: Meter,
    tallies: MetricTallies,
    options: ResolvedObservabilityOptions,
  ) {
    const names = (this.names = metricNames(options.metrics.prefix));
    const limit = options.metrics.seriesLimit;

    this.seriesOverflow = meter.createCounter(names.seriesOverflow, {
      description:
        "Recordings folded into a metric's overflow series because its series budget was spent",
    });
    const overflowOf = (metric: string) => {
      const attrs = Object.freeze({ metric });
      return () => this.seriesOverflow.add(1, attrs);
    };

    this.httpRequests = tallies.counter({
      name: names.httpRequests,
      description:
        'HTTP requests served, by method, route template and status code',
    });
    this.httpDuration = tallies.histogram(
      {
        name: names.httpRequestDuration,
        description:
          'HTTP request duration in seconds, from first byte received to response finished',
        unit: 's',
      },
      options.http.durationBuckets,
    );
    this.databaseQueries = tallies.counter({
      name: names.databaseQueries,
      description:
        'Database queries, by operation and table; failed queries have operation "error"',
    });
    this.databaseQueryDuration = tallies.histogram(
      {
        name: names.databaseQueryDuration,
        description:
          'Database query duration in seconds, by operation and table',
        unit: 's',
      },
      DEPENDENCY_BUCKETS,
    );
    this.cacheOperations = tallies.counter({
      name: names.cacheOperations,
      description:
        'Cache (Redis) commands, by command and status (success or error)',
    });
    this.cacheOperationDuration = tallies.histogram(
      {
        name: names.cacheOperationDuration,
        description: 'Cache (Redis) command duration in seconds, by command',
        unit: 's',
      },
      DEPENDENCY_BUCKETS,
    );
    this.cacheOperationSeries = new SeriesLimiter(
      ['command', 'status'],
      limit,
      overflowOf(names.cacheOperations),
    );
    this.cacheDurationSeries = new SeriesLimiter(
      ['command'],
      limit,
      overflowOf(names.cacheOperationDuration),
    );
    this.businessEvents = tallies.counter({
      name: names.businessEvents,
      description:
        'Business events, by event type and status (success or failure)',
    });
    this.activeUsers = meter.createObservableGauge(names.activeUsers, {
      description: 'Distinct users active in the recent window',
    });
    this.activeUsers.addCallback((result) => {
      const value = this.activeUsersSource?.();
      if (typeof value === 'number' && Number.isFinite(value))
        result.observe(value);
    });

    this.healthStatus = meter.createGauge(names.healthCheckStatus, {
      description:
        'Health check status at its last evaluation, by check: 1 up, 0 down',
    });
    this.healthDuration = meter.createHistogram(names.healthCheckDuration, {
      description:
        'Health check duration in seconds, by check (a timed-out check records its timeout)',
      unit: 's',
      advice: {
        explicitBucketBoundaries: [
          0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
        ],
      },
    });
    // One series limiter for both health instruments: they share the `check` label set.
    this.healthCheckSeries = new SeriesLimiter(
      ['check'],
      limit,
      overflowOf(names.healthCheckStatus),
    );
    this.logRecordsDropped = meter.createCounter(names.logRecordsDropped, {
      description:
        'Log lines a destination could not take, by destination and reason (write_error, closed, overflow)',
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
  recordHttpRequest(
    method: string,
    endpoint: string,
    statusCode: string,
    seconds: number,
  ): void {
    this.httpRequests.add(
      1,
      this.httpRequestSeries.attributes(method, endpoint, statusCode),
    );
    this.httpDuration.record(
      seconds,
      this.httpDurationSeries.attributes(method, endpoint),
    );
  }

  /** Counts one database query (`operation` is `error` for a failed one) and observes its duration. */
  recordDatabaseQuery(
    operation: string,
    table: string,
    seconds?: number,
  ): void {
    const attributes = this.databaseQuerySeries.attributes(operation, table);
    this.databaseQueries.add(1, attributes);
    if (seconds !== undefined)
      this.databaseQueryDuration.record(seconds, attributes);
  }

  /** Counts one cache command and observes its duration. */
  recordCacheCommand(
    command: string,
    status: 'success' | 'error',
    seconds: number,
  ): void {
    this.cacheOperations.add(
      1,
      this.cacheOperationSeries.attributes(command, status),
    );
    this.cacheOperationDuration.record(
      seconds,
      this.cacheDurationSeries.attributes(command),
    );
  }

  /** Counts one business event. */
  recordBusinessEvent(eventType: string, status: 'success' | 'failure'): void {
    this.businessEvents.add(
      1,
      this.businessEventSeries.attributes(eventType, status),
    );
  }

  /** Records one health check evaluation: its status (1 up, 0 down) and duration. */
  recordHealthCheck(check: string, up: boolean, seconds: number): void {
    const attributes = this.healthCheckSeries.attributes(check);
    this.healthStatus.record(up ? 1 : 0, attributes);
    this.healthDuration.record(seconds, attributes);
  }

  /** Counts log lines dropped by a destination (`stdout`, `main`, `security`, `error`). */
  recordLogRecordsDropped(
    destination: string,
    reason: string,
    lines: number,
  ): void {
    const key = `${destination}\0${reason}`;
    let attributes = this.logDropAttributes.get(key);
    if (attributes === undefined) {
      attributes = Object.freeze({ destination, reason });
      this.logDropAttributes.set(key, attributes);
    }
    this.logRecordsDropped.add(lines, attributes);
  }

  /** Sets where `prs_active_users_total` reads its value at each scrape. */
  setActiveUsersSource(source: ActiveUsersSource | undefined): void {
    this.activeUsersSource = source;
  }
}
