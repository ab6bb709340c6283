import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpAdapterHost } from '@nestjs/core';
import { pathOf } from '../core/path-of';
import { matchExpressRoute } from './express-route-match';

/** Returns the matched route template of a finished request, or `undefined` when none matched. */
export type RouteResolver = (
  req: IncomingMessage,
  res: ServerResponse,
) => string | undefined;

const FASTIFY_REQUEST = Symbol('prs.observability.fastifyRequest');

interface ExpressRequest extends IncomingMessage {
  baseUrl?: string;
  route?: { path?: unknown };
}

interface FastifyRequestLike {
  raw: IncomingMessage & { [FASTIFY_REQUEST]?: FastifyRequestLike };
  routeOptions?: { url?: unknown };
}

interface FastifyLike {
  addHook(
    name: 'onRequest',
    hook: (
      request: FastifyRequestLike,
      reply: unknown,
      done: () => void,
    ) => void,
  ): unknown;
}

/**
 * Fastify's own request object (it carries the matched route and `request.user`), for
 * a raw request the server hook saw; `undefined` on Express or before routing.
 */
export function fastifyRequestOf(req: IncomingMessage): unknown {
  return (req as FastifyRequestLike['raw'])[FASTIFY_REQUEST];
}

/**
 * Builds the resolver for the app's HTTP adapter. Both adapters report the template
 * as registered by Nest, global prefix and URI version included (`/api/v1/deals/:id`),
 * so the `endpoint` label and the span name are the same on Express and Fastify.
 */
export function createRouteResolver(
  adapterHost: HttpAdapterHost,
): RouteResolver {
  const adapter = adapterHost.httpAdapter;
  if (adapter.getType() === 'fastify') {
    // Fastify keeps the matched route on its own request object, which the raw
    // `IncomingMessage` cannot reach; link the two as the request starts.
    adapter
      .getInstance<FastifyLike>()
      .addHook('onRequest', (request, _reply, done) => {
        request.raw[FASTIFY_REQUEST] = request;
        done();
      });
    return (req) => {
      const url = (req as FastifyRequestLike['raw'])[FASTIFY_REQUEST]
        ?.routeOptions?.url;
      return typeof url === 'string' ? url : undefined;
    };
  }
  return (req, res) => {
    const { route, baseUrl } = req as ExpressRequest;
    const path = route?.path;
    if (typeof path === 'string') return routed(baseUrl ?? '', path);
    // Not dispatched to a route: ended before routing (aborted or rejected while the
    // body was read), or no route matched (a finished 404, which needs no second walk).
    if (res.writableFinished && res.statusCode === 404) return undefined;
    const found = matchExpressRoute(
      adapter.getInstance<unknown>(),
      req.method ?? 'GET',
      pathOf(req.url),
    );
    return found === undefined ? undefined : routed(found.baseUrl, found.path);
  };
}

// Nest 12 answers unknown paths under the global prefix from a catch-all route on a
// router mounted at the prefix (`router.all('*path')`): that is "no route", not a route.
function routed(baseUrl: string, path: string): string | undefined {
  if (baseUrl && MOUNTED_CATCH_ALL.test(path)) return undefined;
  return baseUrl + path;
}

/** A pattern that matches everything below its mount point: `*path`, `/{*path}`, `(.*)`. */
const MOUNTED_CATCH_ALL = /^\/?(\*\w*|\{\/?\*\w*\}|\(\.\*\))$/;
