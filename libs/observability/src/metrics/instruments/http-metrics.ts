import type { SpanContext } from '@opentelemetry/api';
import type {
  TalliedCounter,
  TalliedHistogram,
} from '../../core/metric-tallies';
import type { SeriesLimiter } from '../../core/series-limiter';
import type { MetricBudget } from './metric-budget';

/** `prs_http_requests_total` and `prs_http_request_duration_seconds`. */
export class HttpMetrics {
  private readonly requests: TalliedCounter;
  private readonly duration: TalliedHistogram;
  private readonly requestSeries: SeriesLimiter;
  private readonly durationSeries: SeriesLimiter;

  constructor(budget: MetricBudget, durationBuckets: readonly number[]) {
    const { names, tallies } = budget;
    this.requests = tallies.counter({
      name: names.httpRequests,
      description:
        'HTTP requests served, by method, route template and status code',
    });
    this.duration = tallies.histogram(
      {
        name: names.httpRequestDuration,
        description:
          'HTTP request duration in seconds, from first byte received to response finished',
        unit: 's',
      },
      [...durationBuckets],
    );
    this.requestSeries = budget.series(
      ['method', 'endpoint', 'status_code'],
      names.httpRequests,
    );
    this.durationSeries = budget.series(
      ['method', 'endpoint'],
      names.httpRequestDuration,
    );
  }

  /**
   * Counts one finished (or aborted) HTTP request and observes its duration; a sampled
   * `span` (the request's server span) becomes the duration bucket's exemplar.
   */
  record(
    method: string,
    endpoint: string,
    statusCode: string,
    seconds: number,
    span?: SpanContext,
  ): void {
    this.requests.add(
      1,
      this.requestSeries.attributes(method, endpoint, statusCode),
    );
    this.duration.record(
      seconds,
      this.durationSeries.attributes(method, endpoint),
      span,
    );
  }
}
