import type { RateLimitedLogger } from '../core/rate-limited-logger';
import { messages } from '../core/messages';
import type { PathMatcher } from '../core/path-matcher';
import type {
  ObservedRequest,
  RequestObserver,
} from '../http/request-observer';
import { correlationIdOf } from './correlation-id';
import type { ResolvedLoggingOptions } from './logging-options.interface';
import { requestStorage, type RequestStore } from '../core/request-context';
import type { RequestLog } from './request-log';

/** Span attribute carrying the correlation id (search it in Jaeger as a tag). */
export const CORRELATION_ID_ATTRIBUTE = 'correlation_id';

const storage = requestStorage();

/**
 * Each request's own context: the correlation id is chosen, echoed on the response, put
 * on the server span, and reachable through `CorrelationId.current()` for everything the
 * request does; its line is written when the response closes. It observes requests
 * after tracing, so it reads the server span tracing started for the same request.
 */
export class RequestScope implements RequestObserver<RequestStore> {
  readonly label = 'The request context (correlation id and request log)';

  constructor(
    private readonly options: ResolvedLoggingOptions,
    private readonly requestLog: RequestLog,
    private readonly notLogged: PathMatcher,
    private readonly log: RateLimitedLogger,
  ) {}

  /** The request's store, or `undefined` when it could not be made (logged, rate-limited). */
  begin({
    req,
    res,
    start,
    span,
    spanContext,
  }: ObservedRequest): RequestStore | undefined {
    try {
      const { correlationHeaders, correlationResponseHeader } = this.options;
      const id = correlationIdOf(req.headers, correlationHeaders);
      if (spanContext !== undefined)
        span?.setAttribute(CORRELATION_ID_ATTRIBUTE, id);
      if (!res.headersSent) res.setHeader(correlationResponseHeader, id);
      return {
        correlationId: id,
        outboundHeader: correlationResponseHeader,
        traceId: spanContext?.traceId,
        spanId: spanContext?.spanId,
        req,
        res,
        start,
        remoteAddress: req.socket.remoteAddress,
        user: undefined,
      };
    } catch (error) {
      this.log.warn('request-context', messages.requestContextFailed(), error);
      return undefined;
    }
  }

  /** Runs `next` with `store` as the current request. */
  enter(store: RequestStore, next: () => void): void {
    storage.run(store, next);
  }

  /** Writes the request line once the response closed, unless the path is not logged. */
  end(
    store: RequestStore,
    request: ObservedRequest,
    route: string | undefined,
  ): void {
    if (this.options.requestLog && !this.notLogged.matches(request.path))
      this.requestLog.write(store, route, request.end);
  }
}
