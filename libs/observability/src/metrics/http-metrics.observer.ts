import { KNOWN_HTTP_METHODS } from '../core/http-methods';
import {
  ABORTED_STATUS_CODE,
  OTHER_METHOD,
  UNMATCHED_ENDPOINT,
} from '../core/metric-names';
import type { PathMatcher } from '../core/path-matcher';
import type {
  ObservedRequest,
  RequestObserver,
} from '../http/request-observer';
import type { HttpMetrics } from './instruments/http-metrics';

const STATUS_LABELS: string[] = Array.from({ length: 600 }, (_, code) =>
  String(code),
);

/**
 * Counts every request not excluded in `prs_http_requests_total` and observes its
 * duration, when its response closed: by route template (never a raw path), with
 * methods outside the standard set folded into one value and aborted requests as 499.
 */
export class HttpMetricsObserver implements RequestObserver<true> {
  readonly label = 'Recording HTTP metrics';

  constructor(
    private readonly metrics: HttpMetrics,
    private readonly excluded: PathMatcher,
  ) {}

  begin(request: ObservedRequest): true | undefined {
    return this.excluded.matches(request.path) ? undefined : true;
  }

  end(
    _counted: true,
    { req, res, start, end, spanContext }: ObservedRequest,
    route: string | undefined,
  ): void {
    this.metrics.record(
      req.method !== undefined && KNOWN_HTTP_METHODS.has(req.method)
        ? req.method
        : OTHER_METHOD,
      route ?? UNMATCHED_ENDPOINT,
      res.writableFinished
        ? (STATUS_LABELS[res.statusCode] ?? String(res.statusCode))
        : ABORTED_STATUS_CODE,
      (end - start) / 1000,
      spanContext,
    );
  }
}
