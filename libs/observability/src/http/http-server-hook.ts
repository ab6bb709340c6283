import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import type { RateLimitedLogger } from '../diagnostics/rate-limited-logger';
import {
  ABORTED_STATUS_CODE,
  OTHER_METHOD,
  UNMATCHED_ENDPOINT,
} from '../metrics/metric-names';
import type { PrsMetrics } from '../metrics/prs-metrics';
import type { DirectRoutes } from './direct-routes';
import type { PathMatcher } from './path-matcher';
import { pathOf } from './path-of';
import type { RouteResolver } from './route-template';

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

const STANDARD_METHODS = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'CONNECT',
  'OPTIONS',
  'TRACE',
  'PATCH',
]);
const STATUS_LABELS: string[] = Array.from({ length: 600 }, (_, code) =>
  String(code),
);
const HOOKED = Symbol.for('@prs/nestjs-observability:http-hook');

/** What the server hook needs. */
export interface HttpServerHookOptions {
  /** Where HTTP metrics go; `undefined` when metrics are off. */
  metrics: PrsMetrics | undefined;
  /**
   * Whether server spans are recorded: the hook then gives the http instrumentation the
   * route template, which names the span (`GET /api/deals/:id`) and sets `http.route`.
   */
  tracing: boolean;
  resolveRoute: RouteResolver;
  /** Paths not counted in HTTP metrics. */
  exclude: PathMatcher;
  /** Paths answered here, before the app sees them. */
  routes: DirectRoutes;
  log: RateLimitedLogger;
}

/**
 * Puts the SDK in front of the HTTP server's own request listener (Express's app or
 * Fastify's router), so every request is seen whatever happens inside Nest: 404s,
 * exception filters, guard rejections, aborted connections. This costs far less than
 * a global interceptor and needs nothing from the app's middleware order.
 *
 * @returns a function that restores the original listeners
 */
export function installHttpServerHook(
  server: Server,
  options: HttpServerHookOptions,
): () => void {
  const tagged = server as Server & { [HOOKED]?: boolean };
  if (tagged[HOOKED]) return () => undefined;
  const original = server.listeners('request') as RequestListener[];
  const first = original[0];
  const dispatch: RequestListener =
    original.length === 1 && first
      ? first
      : function (this: Server, req, res) {
          for (const listener of original) listener.call(this, req, res);
        };
  const { metrics, tracing, resolveRoute, exclude, routes, log } = options;

  const hook = function (
    this: Server,
    req: IncomingMessage,
    res: ServerResponse,
  ): void {
    const path = pathOf(req.url);
    const direct = routes.match(path);
    if (direct !== undefined) {
      direct(req, res);
      return;
    }
    // The http instrumentation reads the route from here when the response closes.
    const rpc = tracing ? getRPCMetadata(context.active()) : undefined;
    if (tracing) setTraceHeaders(res);
    const counted = metrics !== undefined && !exclude.matches(path);
    if (counted || rpc?.type === RPCType.HTTP) {
      const start = performance.now();
      // Prepended: it must run before the instrumentation's own close listener ends the span.
      res.prependListener('close', () => {
        try {
          const endpoint = resolveRoute(req);
          if (rpc?.type === RPCType.HTTP && endpoint !== undefined)
            rpc.route ??= endpoint;
          if (!counted) return;
          const status = res.writableFinished
            ? (STATUS_LABELS[res.statusCode] ?? String(res.statusCode))
            : ABORTED_STATUS_CODE;
          const method =
            req.method !== undefined && STANDARD_METHODS.has(req.method)
              ? req.method
              : OTHER_METHOD;
          metrics.recordHttpRequest(
            method,
            endpoint ?? UNMATCHED_ENDPOINT,
            status,
            (performance.now() - start) / 1000,
          );
        } catch (error) {
          log.warn(
            'http-metrics',
            'Recording HTTP metrics failed; the request was not affected',
            error,
          );
        }
      });
    }
    dispatch.call(this, req, res);
  };

  server.removeAllListeners('request');
  server.on('request', hook);
  tagged[HOOKED] = true;
  return () => {
    server.removeListener('request', hook);
    for (const listener of original) server.on('request', listener);
    tagged[HOOKED] = false;
  };
}

/**
 * Returns the trace id to the caller: W3C `traceresponse` (the server span's context)
 * and `X-Trace-Id` (easy to paste into Jaeger's search). The server span is active here
 * because the http instrumentation wraps the server's `request` event.
 */
function setTraceHeaders(res: ServerResponse): void {
  const span = trace.getSpan(context.active());
  if (span === undefined) return;
  const ctx = span.spanContext();
  if (!isSpanContextValid(ctx)) return;
  res.setHeader(
    'traceresponse',
    `00-${ctx.traceId}-${ctx.spanId}-0${ctx.traceFlags & 1}`,
  );
  res.setHeader('x-trace-id', ctx.traceId);
}
