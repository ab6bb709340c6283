import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { probe, safeUrl } from './http-probe';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('probe', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
  const serve = (handler: Parameters<typeof createServer>[1]) => {
    const server = createServer(handler);
    servers.push(server);
    return listen(server);
  };

  it('answers the status and body', async () => {
    const url = await serve((_, res) => res.writeHead(201).end('made'));
    expect(await probe(url, {}, 2000)).toEqual({
      ok: true,
      status: 201,
      body: 'made',
    });
  });

  it('gives up at the deadline on a server that never answers', async () => {
    const url = await serve(() => undefined);
    expect(await probe(url, {}, 200)).toEqual({
      ok: false,
      why: 'no answer within 200 ms',
    });
  });

  it('gives up at the deadline on a body that never ends', async () => {
    const url = await serve((_, res) => {
      res.writeHead(200);
      res.write('# TYPE up gauge\n');
    });
    expect(await probe(url, {}, 300)).toEqual({
      ok: false,
      why: 'no answer within 300 ms',
    });
  });

  it('names a refused connection', async () => {
    const server = createServer();
    const url = await listen(server);
    await new Promise((resolve) => server.close(resolve));
    expect(await probe(url, {}, 2000)).toEqual({
      ok: false,
      why: 'connection refused',
    });
  });

  it('reads at most 16 MiB of a body', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    const url = await serve((_, res) => {
      res.writeHead(200);
      for (let i = 0; i < 20; i++) res.write(chunk);
      res.end();
    });
    const result = await probe(url, {}, 10_000);
    expect(result.ok && result.body.length).toBe(16 * 1024 * 1024);
  });
});

describe('safeUrl', () => {
  it('drops credentials and the query', () => {
    expect(safeUrl('http://user:secret@collector:4318/v1/traces?token=x')).toBe(
      'http://collector:4318/v1/traces',
    );
    expect(safeUrl('not a url')).toBe('(invalid URL)');
  });
});
