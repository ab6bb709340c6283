import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { context, type SpanContext } from '@opentelemetry/api';
import { RateLimitedLogger } from '../diagnostics/rate-limited-logger';
import type { RequestStore } from '../logging/request-context';
import type { RequestScope } from '../logging/request-scope';
import {
  ABORTED_STATUS_CODE,
  OTHER_METHOD,
  UNMATCHED_ENDPOINT,
} from '../metrics/metric-names';
import type { PrsMetrics } from '../metrics/prs-metrics';
import { DirectRoutes } from './direct-routes';
import type { PathMatcher } from './path-matcher';
import { pathOf } from './path-of';
import { createRouteResolver, type RouteResolver } from './route-template';
import type { ServerSpan, ServerSpans } from './server-spans';
import { KNOWN_HTTP_METHODS } from './http-methods';

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

const STATUS_LABELS: string[] = Array.from({ length: 600 }, (_, code) =>
  String(code),
);
const HOOKED = Symbol.for('@prs/nestjs-observability:http-hook');

/**
 * Puts the SDK in front of the HTTP server's own request listener (Express's app or
 * Fastify's router), so every request is seen whatever happens inside Nest: 404s,
 * exception filters, guard rejections, aborted connections. One wrapper serves the
 * SDK's direct routes (`/metrics`, health probes) and, for every other request, starts
 * the server span, opens the logging request scope and counts the request when its
 * response closes. This costs far less than a global interceptor and needs nothing
 * from the app's middleware order.
 *
 * Capabilities register in `onModuleInit`; the hook is installed at bootstrap, before
 * the server listens, and only when something registered.
 */
@Injectable()
export class HttpServerHook
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly log = new RateLimitedLogger(new Logger('Observability'));
  private resolver: RouteResolver | undefined;
  private metrics: { record: PrsMetrics; exclude: PathMatcher } | undefined;
  private spans: ServerSpans | undefined;
  private scope: RequestScope | undefined;
  private uninstall: (() => void) | undefined;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly routes: DirectRoutes,
  ) {}

  /** Counts every request not in `exclude` in the HTTP metrics. */
  countRequests(metrics: PrsMetrics, exclude: PathMatcher): void {
    this.metrics = { record: metrics, exclude };
  }

  /** Gives every request a server span. */
  traceRequests(spans: ServerSpans): void {
    this.spans = spans;
  }

  /** Runs every request inside the logging request scope. */
  scopeRequests(scope: RequestScope): void {
    this.scope = scope;
  }

  onApplicationBootstrap(): void {
    const server = this.server();
    const active =
      this.metrics !== undefined ||
      this.spans !== undefined ||
      this.scope !== undefined ||
      this.routes.size > 0;
    if (server === undefined || !active) return;
    this.uninstall = this.install(server, this.resolveRoute() ?? noRoute);
  }

  onApplicationShutdown(): void {
    this.uninstall?.();
    this.uninstall = undefined;
  }

  private server(): Server | undefined {
    const adapter = this.adapterHost.httpAdapter as
      typeof this.adapterHost.httpAdapter | undefined;
    return adapter?.getHttpServer() as Server | undefined;
  }

  // Created on first use, while modules initialise: Fastify takes hooks only before it starts.
  private resolveRoute(): RouteResolver | undefined {
    if (this.resolver === undefined && this.server() !== undefined)
      this.resolver = createRouteResolver(this.adapterHost);
    return this.resolver;
  }

  private install(server: Server, resolveRoute: RouteResolver): () => void {
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
    const { routes, metrics, spans, scope, log } = this;
    // Always a function of ours: `context.with(ctx, fn, thisArg)` calls `fn.bind()`, and
    // an Express app has a `bind` of its own (it routes the HTTP BIND method).
    const enter = function (
      this: Server,
      req: IncomingMessage,
      res: ServerResponse,
      store: RequestStore | undefined,
    ): void {
      if (store === undefined || scope === undefined)
        dispatch.call(this, req, res);
      else scope.enter(store, () => dispatch.call(this, req, res));
    };

    // One close listener per request: the route is resolved once for metrics, span and log.
    const finish = (
      req: IncomingMessage,
      res: ServerResponse,
      start: number,
      counted: boolean,
      traced: ServerSpan | undefined,
      logged: RequestStore | undefined,
    ): void => {
      let endpoint: string | undefined;
      try {
        endpoint = resolveRoute(req);
        if (counted)
          metrics?.record.recordHttpRequest(
            req.method !== undefined && KNOWN_HTTP_METHODS.has(req.method)
              ? req.method
              : OTHER_METHOD,
            endpoint ?? UNMATCHED_ENDPOINT,
            res.writableFinished
              ? (STATUS_LABELS[res.statusCode] ?? String(res.statusCode))
              : ABORTED_STATUS_CODE,
            (performance.now() - start) / 1000,
          );
      } catch (error) {
        log.warn(
          'http-metrics',
          'Recording HTTP metrics failed; the request was not affected',
          error,
        );
      }
      if (logged !== undefined) scope?.end(logged, endpoint); // never throws
      if (traced === undefined) return;
      try {
        spans?.end(traced, res, endpoint);
      } catch (error) {
        log.warn(
          'http-spans',
          'Ending the HTTP server span failed; the request was not affected',
          error,
        );
      }
    };

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
      const start = performance.now();
      const counted = metrics !== undefined && !metrics.exclude.matches(path);
      let traced: ServerSpan | undefined;
      if (spans !== undefined) {
        try {
          traced = spans.start(req, path);
          setTraceHeaders(res, traced.ids);
        } catch (error) {
          log.warn(
            'http-spans',
            'Starting the HTTP server span failed; the request was not affected',
            error,
          );
        }
      }
      const store = scope?.begin(req, res, traced, start);
      const logged =
        store !== undefined && scope?.logs(path) ? store : undefined;
      if (counted || traced !== undefined || logged !== undefined)
        res.on('close', () => finish(req, res, start, counted, traced, logged));
      if (traced === undefined) enter.call(this, req, res, store);
      else context.with(traced.context, enter, this, req, res, store);
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
}

const noRoute: RouteResolver = () => undefined;

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
