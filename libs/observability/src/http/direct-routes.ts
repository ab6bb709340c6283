import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable } from '@nestjs/common';

/** Answers a request the SDK serves itself. */
export type DirectRouteHandler = (
  req: IncomingMessage,
  res: ServerResponse,
) => void;

/**
 * Paths the SDK answers at the HTTP server, before Nest routing: `/metrics` and the
 * health probes. They sit outside the global prefix, global guards, interceptors and
 * body parsing, and are never counted in HTTP metrics. Matching is exact, with or
 * without a trailing slash; register before the server starts listening.
 */
@Injectable()
export class DirectRoutes {
  private readonly routes = new Map<string, DirectRouteHandler>();

  /** Serves `path` (and `path/`) with `handler`; a later registration of the same path wins. */
  register(path: string, handler: DirectRouteHandler): void {
    const bare =
      path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
    this.routes.set(bare, handler);
    if (bare !== '/') this.routes.set(`${bare}/`, handler);
  }

  /** How many paths are registered (a path and its trailing-slash twin count twice). */
  get size(): number {
    return this.routes.size;
  }

  /** The handler for a raw path (no query string), if one is registered. */
  match(path: string): DirectRouteHandler | undefined {
    return this.routes.size === 0 ? undefined : this.routes.get(path);
  }
}
