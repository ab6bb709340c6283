import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RateLimitedLogger } from '../diagnostics/rate-limited-logger';
import { messages } from '../errors/messages';
import type { PathMatcher } from '../http/path-matcher';
import type { ServerSpan } from '../http/server-spans';
import { correlationIdOf } from './correlation-id';
import type { ResolvedLoggingOptions } from './logging-options.interface';
import { requestStorage, type RequestStore } from './request-context';
import type { RequestLog } from './request-log';

/** Span attribute carrying the correlation id (search it in Jaeger as a tag). */
export const CORRELATION_ID_ATTRIBUTE = 'correlation_id';

const storage = requestStorage();

/**
 * Each request's own context: the correlation id is chosen, echoed on the response, put
 * on the server span, and reachable through `CorrelationId.current()` for everything the
 * request does; its line is written when the response closes. The HTTP server hook
 * drives it, so path, start time, span and route are worked out once per request.
 */
export class RequestScope {
  constructor(
    private readonly options: ResolvedLoggingOptions,
    private readonly requestLog: RequestLog,
    private readonly notLogged: PathMatcher,
    private readonly log: RateLimitedLogger,
  ) {}

  /** The request's store, or `undefined` when it could not be made (logged, rate-limited). */
  begin(
    req: IncomingMessage,
    res: ServerResponse,
    traced: ServerSpan | undefined,
    start: number,
  ): RequestStore | undefined {
    try {
      const { correlationHeaders, correlationResponseHeader } = this.options;
      const id = correlationIdOf(req.headers, correlationHeaders);
      const ids = traced?.ids;
      if (ids !== undefined)
        traced?.span.setAttribute(CORRELATION_ID_ATTRIBUTE, id);
      if (!res.headersSent) res.setHeader(correlationResponseHeader, id);
      return {
        correlationId: id,
        outboundHeader: correlationResponseHeader,
        traceId: ids?.traceId,
        spanId: ids?.spanId,
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

  /** Whether requests to `path` get a request line. */
  logs(path: string): boolean {
    return this.options.requestLog && !this.notLogged.matches(path);
  }

  /** Runs `next` with `store` as the current request. */
  enter(store: RequestStore, next: () => void): void {
    storage.run(store, next);
  }

  /** Writes the request line once the response closed. */
  end(store: RequestStore, route: string | undefined): void {
    this.requestLog.write(store, route);
  }
}
