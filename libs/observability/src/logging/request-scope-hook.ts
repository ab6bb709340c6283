import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { DirectRoutes } from '../http/direct-routes';
import { pathOf } from '../http/path-of';
import type { RequestScope } from './request-scope';

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Puts {@link RequestScope} around the server's own request listeners. It works with
 * or without the metrics hook (metrics or the SDK may be disabled) and in either
 * order: wrapped inside the metrics hook it never sees `/metrics` or the probes, and
 * outside it, it lets those direct routes through untouched.
 *
 * @returns a function that takes the scope out again (a pass-through if another hook
 * wrapped it meanwhile)
 */
export function installRequestScope(
  server: Server,
  scope: RequestScope,
  routes: DirectRoutes,
): () => void {
  const original = server.listeners('request') as RequestListener[];
  const first = original[0];
  const dispatch: RequestListener =
    original.length === 1 && first
      ? first
      : function (this: Server, req, res) {
          for (const listener of original) listener.call(this, req, res);
        };
  let active = true;
  const wrapper = function (
    this: Server,
    req: IncomingMessage,
    res: ServerResponse,
  ): void {
    if (!active || routes.match(pathOf(req.url)) !== undefined) {
      dispatch.call(this, req, res);
      return;
    }
    scope.run(req, res, () => dispatch.call(this, req, res));
  };
  server.removeAllListeners('request');
  server.on('request', wrapper);
  return () => {
    active = false;
    if (!server.listeners('request').includes(wrapper)) return;
    server.removeListener('request', wrapper);
    for (const listener of original) server.on('request', listener);
  };
}
