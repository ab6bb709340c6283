import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** The response a socket is serving now (Node's own field, set by `assignSocket`). */
type ServingSocket = Socket & { _httpMessage?: ServerResponse | null };

/**
 * Ends an HTTP server's keep-alive connections at shutdown, so a client that keeps
 * sending requests cannot hold the closing server open. Tracks the server's sockets from
 * `track` on; `close(boundMs)` then:
 * 1. answers every later response, and every in-flight one whose headers are not sent
 *    yet, with `Connection: close`, so each connection ends after its current request;
 * 2. closes idle keep-alive sockets (`server.closeIdleConnections()`);
 * 3. after `boundMs`, destroys the sockets still open (requests running longer than the
 *    bound are cut), so `server.close()` completes.
 *
 * Works on Node's `http.Server` whatever framework runs on it (Express, Fastify).
 */
export class ConnectionDrain {
  private readonly sockets = new Set<ServingSocket>();
  private closing = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly onConnection = (socket: Socket): void => {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  };
  private readonly onRequest = (
    _req: IncomingMessage,
    res: ServerResponse,
  ): void => closeAfter(res);

  constructor(private readonly server: Server) {}

  /** Starts tracking connections; call before the server listens. */
  track(): void {
    this.server.on('connection', this.onConnection);
  }

  /** How many connections are open now. */
  get open(): number {
    return this.sockets.size;
  }

  /** Stops keep-alive and closes idle connections now; destroys what is left after `boundMs`. */
  close(boundMs: number): void {
    if (!this.closing) {
      this.closing = true;
      // Before any other listener: the header is set before the app writes its response.
      this.server.prependListener('request', this.onRequest);
      for (const socket of this.sockets) {
        const res = socket._httpMessage;
        if (res) closeAfter(res);
      }
      this.server.closeIdleConnections();
      this.timer = setTimeout(() => this.destroyAll(), boundMs);
      this.timer.unref();
    }
  }

  /** Destroys every connection still open and stops the bound's timer. */
  destroyAll(): void {
    clearTimeout(this.timer);
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  /** Detaches from the server. */
  dispose(): void {
    clearTimeout(this.timer);
    this.server.removeListener('connection', this.onConnection);
    this.server.removeListener('request', this.onRequest);
  }
}

/** `Connection: close` on a response not started yet; a started one ends its socket once done. */
function closeAfter(res: ServerResponse): void {
  try {
    if (!res.headersSent) {
      res.setHeader('connection', 'close');
      res.shouldKeepAlive = false;
      return;
    }
    const socket = res.socket;
    if (socket && !res.writableFinished) res.once('finish', () => socket.end());
  } catch {
    // Shutdown bookkeeping never breaks a response.
  }
}
