import type { IncomingMessage, Server } from 'node:http';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { RateLimitedLogger } from '../diagnostics/rate-limited-logger';
import { DirectRoutes } from '../http/direct-routes';
import { PathMatcher } from '../http/path-matcher';
import { createRouteResolver } from '../http/route-template';
import { OBSERVABILITY_OPTIONS } from '../observability.constants';
import type { ResolvedObservabilityOptions } from '../options/resolved-options';
import type { LogPipeline } from './log-pipeline';
import { LOG_PIPELINE } from './logging.constants';
import { propagateToFetch } from './outbound-correlation';
import { requestStorage, type RequestStore } from './request-context';
import { RequestLog, type RouteOf } from './request-log';
import { RequestScope } from './request-scope';
import { installRequestScope } from './request-scope-hook';

interface FastifyLike {
  addHook(
    name: 'onRequest',
    hook: (
      request: { raw: IncomingMessage },
      reply: unknown,
      done: () => void,
    ) => void,
  ): unknown;
}

/**
 * Wires correlation ids, request context and the request log into the app's HTTP
 * server as the module initialises, and flushes the log destinations on shutdown.
 */
@Injectable()
export class LoggingService implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new RateLimitedLogger(new Logger('Observability'));
  private readonly undo: (() => void)[] = [];

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(OBSERVABILITY_OPTIONS)
    private readonly options: ResolvedObservabilityOptions,
    @Inject(LOG_PIPELINE) private readonly pipeline: LogPipeline,
    private readonly routes: DirectRoutes,
  ) {}

  onModuleInit(): void {
    const { logging, http } = this.options;
    if (!logging.enabled) return;
    this.undo.push(propagateToFetch());
    const adapter = this.adapterHost.httpAdapter as
      typeof this.adapterHost.httpAdapter | undefined;
    const server = adapter?.getHttpServer() as Server | undefined;
    if (adapter === undefined || server === undefined) return; // no HTTP (microservice)
    let routeOf: RouteOf;
    if (adapter.getType() === 'fastify') {
      keepFastifyRequest(adapter.getInstance<FastifyLike>());
      routeOf = fastifyRoute;
    } else {
      const resolve = createRouteResolver(this.adapterHost);
      routeOf = (store) => (store.req ? resolve(store.req) : undefined);
    }
    const requestLog = new RequestLog(
      this.pipeline,
      routeOf,
      logging.userId,
      this.log,
    );
    const scope = new RequestScope(
      logging,
      requestLog,
      new PathMatcher(http.excludePaths),
      this.log,
    );
    this.undo.push(installRequestScope(server, scope, this.routes));
  }

  onApplicationShutdown(): void {
    for (const undo of this.undo.splice(0)) undo();
    this.pipeline.flushOnEveryWrite();
  }
}

/**
 * Fastify's request object carries the matched route and `request.user`; the raw one
 * the server hook sees does not. One hook keeps it on the request's store.
 */
function keepFastifyRequest(instance: FastifyLike): void {
  const storage = requestStorage();
  instance.addHook('onRequest', (request, _reply, done) => {
    const store = storage.getStore();
    if (store !== undefined && store.req === request.raw)
      store.frameworkRequest = request;
    done();
  });
}

/** The route template Fastify matched, as Nest registered it (`undefined` for 404s). */
function fastifyRoute(store: RequestStore): string | undefined {
  const request = store.frameworkRequest as
    { routeOptions?: { url?: unknown } } | undefined;
  const url = request?.routeOptions?.url;
  return typeof url === 'string' ? url : undefined;
}
