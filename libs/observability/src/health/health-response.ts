import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';

/** Writes one probe answer as JSON. */
export type Send = (
  status: number,
  body: object,
  headers?: Record<string, string>,
) => void;

/**
 * A JSON writer for one probe request. `Server-Timing: health;dur=<ms>` tells how long
 * the SDK took to answer, measured at the server (probe clients see network and their
 * own scheduling on top).
 */
export function responder(req: IncomingMessage, res: ServerResponse): Send {
  const started = performance.now();
  return (status, body, headers = {}) => {
    if (res.headersSent || res.destroyed) return;
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      'cache-control': 'no-store',
      'server-timing': `health;dur=${(performance.now() - started).toFixed(1)}`,
      ...headers,
    });
    res.end(req.method === 'HEAD' ? undefined : text);
  };
}
