import {
  createServer,
  type IncomingHttpHeaders,
  request,
  type Server,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  propagateCorrelationId,
  propagateToFetch,
} from './outbound-correlation';
import { CorrelationId } from '../core/request-context';

describe('outbound correlation ids', () => {
  let server: Server;
  let url: string;
  const received: IncomingHttpHeaders[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      received.push(req.headers);
      res.end();
    });
    await new Promise<void>((resolve) =>
      server.listen(0, '127.0.0.1', resolve),
    );
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => (received.length = 0));

  const viaHttp = (headers: Record<string, string> = {}) =>
    new Promise<void>((resolve, reject) => {
      const req = request(url, { headers }, (res) =>
        res.resume().on('end', resolve),
      );
      propagateCorrelationId(undefined, req); // what the http instrumentation's requestHook does
      req.on('error', reject).end();
    });

  it('adds the current id to http requests, keeping one the caller set', async () => {
    await CorrelationId.run('job-1', () => viaHttp());
    await CorrelationId.run('job-2', () =>
      viaHttp({ 'X-Correlation-ID': 'callers-own' }),
    );
    await viaHttp();
    expect(received.map((h) => h['x-correlation-id'])).toEqual([
      'job-1',
      'callers-own',
      undefined,
    ]);
  });

  it('adds it to fetch() while subscribed, keeping one the caller set', async () => {
    const stop = propagateToFetch();
    try {
      await CorrelationId.run('job-3', async () =>
        (await fetch(url)).arrayBuffer(),
      );
      await CorrelationId.run('job-4', async () =>
        (
          await fetch(url, { headers: { 'x-correlation-id': 'callers-own' } })
        ).arrayBuffer(),
      );
    } finally {
      stop();
    }
    await (await fetch(url)).arrayBuffer();
    await CorrelationId.run('job-5', async () =>
      (await fetch(url)).arrayBuffer(),
    );
    expect(received.map((h) => h['x-correlation-id'])).toEqual([
      'job-3',
      'callers-own',
      undefined,
      undefined,
    ]);
  });
});
