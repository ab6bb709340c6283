/**
 * Finds the route an Express app would have given a request that never reached it.
 *
 * Express sets `req.route` only when it dispatches to a route's handler. A request that
 * ends before that (the client aborts while the body parser reads the body, or the
 * body parser rejects the body) has no `req.route`, although its path and method name
 * a route. Walking the router the way Express does (route layers in order, mounted
 * routers by their mount path) gives the template Express would have matched, so such
 * a request is counted on its route on Express as it is on Fastify, which routes before
 * reading the body.
 */

interface RouteLike {
  path?: unknown;
  _handlesMethod?(method: string): boolean;
}

interface LayerLike {
  route?: RouteLike;
  handle?: { stack?: unknown };
  path?: unknown;
  /** router ≥ 2.3 returns `{ path }`; older versions return a boolean and set `layer.path`. */
  match?(path: string): unknown;
}

interface ExpressAppLike {
  router?: { stack?: unknown };
  _router?: { stack?: unknown };
}

/** How deep mounted routers are followed: Nest mounts at most one level. */
const MAX_DEPTH = 4;

/** A route Express would have dispatched to, as `req.baseUrl` and `req.route.path` would read. */
export interface ExpressRouteMatch {
  baseUrl: string;
  path: string;
}

/**
 * The first route of `app` that handles `method` on `path`, `undefined` when none
 * does or the app is not an Express app.
 */
export function matchExpressRoute(
  app: unknown,
  method: string,
  path: string,
): ExpressRouteMatch | undefined {
  const router =
    (app as ExpressAppLike | undefined)?.router ??
    (app as ExpressAppLike | undefined)?._router;
  return matchIn(router?.stack, method, path, '', 0);
}

function matchIn(
  stack: unknown,
  method: string,
  path: string,
  base: string,
  depth: number,
): ExpressRouteMatch | undefined {
  if (!Array.isArray(stack) || depth > MAX_DEPTH) return undefined;
  for (const layer of stack as LayerLike[]) {
    if (typeof layer?.match !== 'function') continue;
    const route = layer.route;
    const nested = layer.handle?.stack;
    if (route === undefined && !Array.isArray(nested)) continue;
    const result = layer.match(path);
    if (!result) continue;
    if (route !== undefined) {
      if (typeof route.path !== 'string') continue;
      if (route._handlesMethod?.(method) === false) continue;
      return { baseUrl: base, path: route.path };
    }
    const mounted = typeof result === 'object' ? result : layer;
    const prefix = (mounted as { path?: unknown }).path;
    if (typeof prefix !== 'string') continue;
    const rest = path.slice(prefix.length) || '/';
    const found = matchIn(
      nested,
      method,
      rest.startsWith('/') ? rest : `/${rest}`,
      base + prefix,
      depth + 1,
    );
    if (found !== undefined) return found;
  }
  return undefined;
}
