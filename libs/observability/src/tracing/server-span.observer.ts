import type { ServerResponse } from 'node:http';
import { context, type SpanContext } from '@opentelemetry/api';
import type {
  ObservedRequest,
  RequestObserver,
} from '../http/request-observer';
import type { ServerSpan, ServerSpans } from './server-spans';

/**
 * Gives every request a server span: started when the request arrives (continuing the
 * caller's trace), entered for the rest of the request, ended when the response closed
 * with the route template. The span's ids go back to the caller in response headers.
 */
export class ServerSpanObserver implements RequestObserver<ServerSpan> {
  readonly label = 'The HTTP server span';

  constructor(private readonly spans: ServerSpans) {}

  begin(request: ObservedRequest): ServerSpan {
    const traced = this.spans.start(request.req, request.path, request.start);
    request.span = traced.span;
    request.spanContext = traced.ids;
    request.context = traced.context;
    setTraceHeaders(request.res, traced.ids);
    return traced;
  }

  enter(traced: ServerSpan, next: () => void): void {
    context.with(traced.context, next);
  }

  end(
    traced: ServerSpan,
    request: ObservedRequest,
    route: string | undefined,
  ): void {
    this.spans.end(traced, request.res, route, request.end);
  }
}

/**
 * Returns the trace id to the caller: W3C `traceresponse` (the server span's context)
 * and `X-Trace-Id` (easy to paste into Jaeger's search). Sampled-out requests carry
 * flags `00` and still get both, so a caller can quote the id.
 */
function setTraceHeaders(
  res: ServerResponse,
  ids: SpanContext | undefined,
): void {
  if (ids === undefined) return;
  res.setHeader(
    'traceresponse',
    `00-${ids.traceId}-${ids.spanId}-0${ids.traceFlags & 1}`,
  );
  res.setHeader('x-trace-id', ids.traceId);
}
