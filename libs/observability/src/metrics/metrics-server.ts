import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { messages } from '../core/messages';
import { pathOf } from '../core/path-of';
import type { PathMatcher } from '../core/path-matcher';
import type { MetricsEndpoint } from './metrics-endpoint';

/**
 * Listens on the dedicated metrics port, answering only the metrics path (404 elsewhere).
 * Rejects with a clear message when the port cannot be bound.
 */
export function startMetricsServer(
  host: string,
  port: number,
  paths: PathMatcher,
  endpoint: Pick<MetricsEndpoint, 'handle'>,
): Promise<Server> {
  const server = createServer((req, res) => {
    if (paths.matches(pathOf(req.url))) {
      endpoint.handle(req, res);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Not Found\n');
  });
  // Scrapers reuse connections; a dead one must not pin a socket forever.
  server.keepAliveTimeout = 65_000;
  server.requestTimeout = 30_000;
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          messages.metricsPortInUse(host, port, error.code ?? error.message),
        ),
      );
    server.once('error', onError);
    server.listen(port, host, () => {
      server.removeListener('error', onError);
      resolve(server);
    });
  });
}

/** The port the server actually bound (resolves `0`). */
export function boundPort(server: Server): number {
  return (server.address() as AddressInfo).port;
}
