import type { SpanContext } from '@opentelemetry/api';
import type {
  TalliedCounter,
  TalliedHistogram,
} from '../../core/metric-tallies';
import type { SeriesLimiter } from '../../core/series-limiter';
import { DEPENDENCY_BUCKETS, type MetricBudget } from './metric-budget';

/** The database (`prs_database_*`) and cache (`prs_cache_*`) instruments. */
export class DependencyMetrics {
  private readonly queries: TalliedCounter;
  private readonly queryDuration: TalliedHistogram;
  private readonly querySeries: SeriesLimiter;
  private readonly cacheOperations: TalliedCounter;
  private readonly cacheDuration: TalliedHistogram;
  private readonly cacheOperationSeries: SeriesLimiter;
  private readonly cacheDurationSeries: SeriesLimiter;

  constructor(budget: MetricBudget) {
    const { names, tallies } = budget;
    this.queries = tallies.counter({
      name: names.databaseQueries,
      description:
        'Database queries, by operation and table; failed queries have operation "error"',
    });
    this.queryDuration = tallies.histogram(
      {
        name: names.databaseQueryDuration,
        description:
          'Database query duration in seconds, by operation and table',
        unit: 's',
      },
      DEPENDENCY_BUCKETS,
    );
    this.querySeries = budget.series(
      ['operation', 'table'],
      names.databaseQueries,
    );
    this.cacheOperations = tallies.counter({
      name: names.cacheOperations,
      description:
        'Cache (Redis) commands, by command and status (success or error)',
    });
    this.cacheDuration = tallies.histogram(
      {
        name: names.cacheOperationDuration,
        description: 'Cache (Redis) command duration in seconds, by command',
        unit: 's',
      },
      DEPENDENCY_BUCKETS,
    );
    this.cacheOperationSeries = budget.series(
      ['command', 'status'],
      names.cacheOperations,
    );
    this.cacheDurationSeries = budget.series(
      ['command'],
      names.cacheOperationDuration,
    );
  }

  /**
   * Counts one database query (`operation` is `error` for a failed one) and observes its
   * duration; a sampled `span` (the query's) becomes the duration bucket's exemplar.
   */
  recordQuery(
    operation: string,
    table: string,
    seconds?: number,
    span?: SpanContext,
  ): void {
    const attributes = this.querySeries.attributes(operation, table);
    this.queries.add(1, attributes);
    if (seconds !== undefined)
      this.queryDuration.record(seconds, attributes, span);
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
    this.cacheDuration.record(
      seconds,
      this.cacheDurationSeries.attributes(command),
    );
  }
}
