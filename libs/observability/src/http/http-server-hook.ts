import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { messages } from '../core/messages';
import { pathOf } from '../core/path-of';
import { RateLimitedLogger } from '../core/rate-limited-logger';
import { DirectRoutes } from './direct-routes';
import {
  REQUEST_OBSERVERS,
  type ObservedRequest,
  type RequestObserver,
} from './request-observer';
import { createRouteResolver, type RouteResolver } from './route-template';

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

const HOOKED = Symbol.for('@prs/nestjs-observability:http-hook');

/**
 * Puts the SDK in front of the HTTP server's own request listener (Express's app or
 * Fastify's router), so every request is seen whatever happens inside Nest: 404s,
 * exception filters, guard rejections, aborted connections. One wrapper serves the
 * SDK's direct routes (`/metrics`, health probes) and hands every other request to the
 * {@link RequestObserver}s the module gave it (tracing, logging, metrics), with one
 * close listener and one route lookup per request. This costs far less than a global
 * interceptor and needs nothing from the app's middleware order.
 *
 * The hook is installed at bootstrap, before the server listens, and only when there
 * is something to do: an observer or a direct route.
 */
@Injectable()
export class HttpServerHook
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly log = new RateLimitedLogger(new Logger('Observability'));
  private resolver: RouteResolver | undefined;
  private uninstall: (() => void) | undefined;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly routes: DirectRoutes,
    @Inject(REQUEST_OBSERVERS)
    private readonly observers: readonly RequestObserver[],
  ) {}

  onApplicationBootstrap(): void {
    const server = this.server();
    if (server === undefined) return;
    if (this.uninstall !== undefined) return;
    if (this.observers.length === 0 && this.routes.size === 0) return;
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
    const { routes, observers, log } = this;
    const count = observers.length;

    // Observers end in reverse order of their begin, like nested scopes.
    const finish = (request: ObservedRequest, states: unknown[]): void => {
      request.end = performance.now();
      let route: string | undefined;
      try {
        route = resolveRoute(request.req, request.res);
      } catch (error) {
        log.warn('http-route', messages.routeLookupFailed(), error);
      }
      for (let i = count - 1; i >= 0; i--) {
        const state = states[i];
        if (state === undefined) continue;
        const observer = observers[i]!;
        try {
          observer.end(state, request, route);
        } catch (error) {
          log.warn(
            observer.label,
            messages.observerFailed(observer.label),
            error,
          );
        }
      }
    };

    // Runs the observers' `enter` from `from` on, nested; the innermost runs the app.
    const enter = (
      server: Server,
      req: IncomingMessage,
      res: ServerResponse,
      states: unknown[],
      from: number,
    ): void => {
      for (let i = from; i < count; i++) {
        const state = states[i];
        const observer = observers[i]!;
        if (state === undefined || observer.enter === undefined) continue;
        let entered = false;
        let inner: { error: unknown } | undefined;
        try {
          observer.enter(state, () => {
            entered = true;
            try {
              enter(server, req, res, states, i + 1);
            } catch (error) {
              inner = { error };
              throw error;
            }
          });
          return;
        } catch (error) {
          // Thrown by the app's own listener: it propagates as it would without us.
          if (inner !== undefined && inner.error === error) throw error;
          log.warn(
            observer.label,
            messages.observerFailed(observer.label),
            error,
          );
          if (entered) return; // the request ran; the observer failed after it
        }
      }
      dispatch.call(server, req, res);
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
      if (count === 0) {
        dispatch.call(this, req, res);
        return;
      }
      const request: ObservedRequest = {
        req,
        res,
        path,
        start: performance.now(),
        end: 0,
        span: undefined,
        spanContext: undefined,
        context: undefined,
      };
      const states: unknown[] = new Array<unknown>(count);
      let observed = false;
      for (let i = 0; i < count; i++) {
        const observer = observers[i]!;
        try {
          const state = observer.begin(request);
          states[i] = state;
          if (state !== undefined) observed = true;
        } catch (error) {
          log.warn(
            observer.label,
            messages.observerFailed(observer.label),
            error,
          );
        }
      }
      if (!observed) {
        dispatch.call(this, req, res);
        return;
      }
      res.on('close', () => finish(request, states));
      enter(this, req, res, states, 0);
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
