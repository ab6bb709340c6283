import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import type { RateLimitedLogger } from '../diagnostics/rate-limited-logger';
import { messages } from '../errors/messages';
import { pathOf } from '../http/path-of';
import type { PathMatcher } from '../http/path-matcher';
import { correlationIdOf } from './correlation-id';
import type { ResolvedLoggingOptions } from './logging-options.interface';
import { requestStorage, type RequestStore } from './request-context';
import type { RequestLog } from './request-log';

/** Span attribute carrying the correlation id (search it in Jaeger as a tag). */
export const CORRELATION_ID_ATTRIBUTE = 'correlation_id';

const storage = requestStorage();

/**
 * Runs each request inside its own context: the correlation id is chosen, echoed on
 * the response, put on the server span, and reachable through `CorrelationId.current()`
 * for everything the request does; its line is written when the response closes.
 */
export class RequestScope {
  constructor(
    private readonly options: ResolvedLoggingOptions,
    private readonly requestLog: RequestLog,
    private readonly notLogged: PathMatcher,
    private readonly log: RateLimitedLogger,
  ) {}

  run(req: IncomingMessage, res: ServerResponse, next: () => void): void {
    let store: RequestStore | undefined;
    try {
      store = this.begin(req, res);
    } catch (error) {
      this.log.warn('request-context', messages.requestContextFailed(), error);
    }
    if (store === undefined) next();
    else storage.run(store, next);
  }

  private begin(req: IncomingMessage, res: ServerResponse): RequestStore {
    const { correlationHeaders, correlationResponseHeader } = this.options;
    const id = correlationIdOf(req.headers, correlationHeaders);
    const span = trace.getSpan(context.active());
    const spanContext = span?.spanContext();
    const traced = spanContext !== undefined && isSpanContextValid(spanContext);
    if (traced) span?.setAttribute(CORRELATION_ID_ATTRIBUTE, id);
    if (!res.headersSent) res.setHeader(correlationResponseHeader, id);
    const store: RequestStore = {
      correlationId: id,
      outboundHeader: correlationResponseHeader,
      traceId: traced ? spanContext.traceId : undefined,
      spanId: traced ? spanContext.spanId : undefined,
      req,
      res,
      start: performance.now(),
      remoteAddress: req.socket.remoteAddress,
      user: undefined,
    };
    if (this.options.requestLog && !this.notLogged.matches(pathOf(req.url)))
      res.once('close', () => this.requestLog.write(store));
    return store;
  }
}
