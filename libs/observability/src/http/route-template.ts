import type { IncomingMessage } from 'node:http';
import type { HttpAdapterHost } from '@nestjs/core';

/** Returns the matched route template of a finished request, or `undefined` when none matched. */
export type RouteResolver = (req: IncomingMessage) => string | undefined;

const FASTIFY_ROUTE = Symbol('prs.observability.fastifyRoute');

interface ExpressRequest extends IncomingMessage {
  baseUrl?: string;
  route?: { path?: unknown };
}

interface FastifyLike {
  addHook(
    name: 'onRequest',
    hook: (
      request: {
        raw: IncomingMessage & { [FASTIFY_ROUTE]?: string };
        routeOptions?: { url?: string };
      },
      reply: unknown,
      done: () => void,
    ) => void,
  ): unknown;
}

/**
 * Builds the resolver for the app's HTTP adapter. Both adapters report the template
 * as registered by Nest, global prefix and URI version included (`/api/v1/deals/:id`),
 * so the `endpoint` label is the same on Express and Fastify.
 */
export function createRouteResolver(
  adapterHost: HttpAdapterHost,
): RouteResolver {
  const adapter = adapterHost.httpAdapter;
  if (adapter.getType() === 'fastify') {
    const instance = adapter.getInstance<FastifyLike>();
    // Fastify keeps the matched route on its own request object, which the raw
    // `IncomingMessage` cannot reach; copy it across as the request starts.
    instance.addHook('onRequest', (request, _reply, done) => {
      const url = request.routeOptions?.url;
      if (url !== undefined) request.raw[FASTIFY_ROUTE] = url;
      done();
    });
    return (req) =>
      (req as IncomingMessage & { [FASTIFY_ROUTE]?: string })[FASTIFY_ROUTE];
  }
  return (req) => {
    const { route, baseUrl } = req as ExpressRequest;
    const path = route?.path;
    if (typeof path !== 'string') return undefined;
    // Nest 12 answers unknown paths under the global prefix from a catch-all route on a
    // router mounted at the prefix (`router.all('*path')`): that is "no route", not a route.
    if (baseUrl && MOUNTED_CATCH_ALL.test(path)) return undefined;
    return (baseUrl ?? '') + path;
  };
}

/** A pattern that matches everything below its mount point: `*path`, `/{*path}`, `(.*)`. */
const MOUNTED_CATCH_ALL = /^\/?(\*\w*|\{\/?\*\w*\}|\(\.\*\))$/;
