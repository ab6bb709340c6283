import { request } from 'node:http';

/** Sends `count` GETs built by `pathFor(i)` with at most `concurrency` in flight; returns status counts. */
export async function hammer(
  baseUrl: string,
  count: number,
  pathFor: (i: number) => string,
  concurrency = 16,
): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const status = await getStatus(baseUrl + pathFor(i));
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return statuses;
}

/**
 * GETs `url` and returns the status; 0 when no response came. A socket error is retried
 * once, as HTTP clients do for the keep-alive race (the server closing an idle pooled
 * connection as the client reuses it); a server that really drops requests still shows.
 */
async function getStatus(url: string): Promise<number> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      return res.status;
    } catch {
      // retried once, then reported as status 0
    }
  }
  return 0;
}

/** Sends a request with an arbitrary method and resolves with the status. */
export function rawRequest(
  port: number,
  method: string,
  path: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Starts a GET and destroys the socket after `afterMs`, before any response. */
export function abortedRequest(
  port: number,
  path: string,
  afterMs: number,
): Promise<void> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, method: 'GET', path });
    req.on('error', () => resolve());
    req.end();
    setTimeout(() => {
      req.destroy();
      resolve();
    }, afterMs);
  });
}
