import { Agent, createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectionDrain } from './connection-drain';

interface Got {
  status?: number;
  connection?: string;
  error?: string;
}

describe('ConnectionDrain (a real http.Server)', () => {
  let server: Server;
  let drain: ConnectionDrain;
  let agent: Agent;
  let url: string;

  beforeEach(async () => {
    server = createServer((req, res) => {
      const ms = Number(req.url?.slice(1) ?? 0);
      const timer = setTimeout(() => res.end('ok'), ms);
      res.on('close', () => clearTimeout(timer));
    });
    drain = new ConnectionDrain(server);
    drain.track();
    await new Promise<void>((resolve) =>
      server.listen(0, '127.0.0.1', resolve),
    );
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    agent = new Agent({ keepAlive: true, maxSockets: 1 });
  });

  afterEach(async () => {
    agent.destroy();
    drain.destroyAll();
    drain.dispose();
    await new Promise((resolve) => server.close(resolve));
  });

  const send = (ms: number): Promise<Got> =>
    new Promise((resolve) => {
      const req = get(`${url}/${ms}`, { agent }, (res) => {
        res.resume();
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            connection: String(res.headers.connection),
          }),
        );
      });
      req.on('error', (error: NodeJS.ErrnoException) =>
        resolve({ error: error.code ?? error.message }),
      );
    });

  it('closes idle keep-alive sockets at once', async () => {
    expect(await send(0)).toEqual({ status: 200, connection: 'keep-alive' });
    expect(drain.open).toBe(1);
    drain.close(5000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(drain.open).toBe(0);
  });

  it('answers an in-flight request with Connection: close, then the socket ends', async () => {
    const inFlight = send(200);
    await new Promise((resolve) => setTimeout(resolve, 50));
    drain.close(5000);
    expect(await inFlight).toEqual({ status: 200, connection: 'close' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(drain.open).toBe(0);
  });

  it('destroys a request still running at the bound of 100 ms', async () => {
    const started = Date.now();
    const hung = send(10_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    drain.close(100);
    expect(await hung).toEqual({ error: 'ECONNRESET' });
    const ms = Date.now() - started;
    expect(ms).toBeGreaterThanOrEqual(140);
    expect(ms).toBeLessThan(2000);
    expect(drain.open).toBe(0);
  });
});
