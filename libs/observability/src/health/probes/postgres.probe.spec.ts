import { createServer, type Server, type Socket } from 'node:net';
import { Pool } from 'pg';
import { PostgresProbe } from './postgres.probe';

const URL = `postgres://${process.env.PGUSER ?? 'postgres'}@127.0.0.1:5432/test`;
const thresholds = {
  responseTimeThresholdMs: 1000,
  slowQuerySeconds: 30,
  maxSlowQueries: 5,
};
const UP = {
  healthy: true,
  data: {
    response_time: expect.any(Number),
    slow_queries: expect.any(Number),
    connections: expect.any(Number),
    details: 'Database connectivity OK',
  },
};

describe('PostgresProbe (real Postgres on 5432)', () => {
  it("uses the app's pool and gives the connection back", async () => {
    const pool = new Pool({ connectionString: URL, max: 2 });
    try {
      const probe = new PostgresProbe(
        { ...thresholds, pool, connectionString: undefined },
        1000,
      );
      expect(await probe.run(new AbortController().signal)).toEqual(UP);
      expect(pool.idleCount).toBe(1);
      expect(pool.totalCount).toBe(1);
    } finally {
      await pool.end();
    }
  });

  it('keeps one pooled connection of its own for a connection string, ended by close()', async () => {
    const probe = new PostgresProbe(
      { ...thresholds, pool: undefined, connectionString: URL },
      1000,
    );
    expect(await probe.run(new AbortController().signal)).toEqual(UP);
    expect(await probe.run(new AbortController().signal)).toEqual(UP);
    await probe.close();
  });

  it('is down (with the counts) when slow queries reach the limit', async () => {
    const probe = new PostgresProbe(
      {
        ...thresholds,
        slowQuerySeconds: 1,
        maxSlowQueries: 1,
        pool: undefined,
        connectionString: URL,
      },
      5000,
    );
    const sleeper = new Pool({ connectionString: URL, max: 1 });
    const sleeping = sleeper.query('SELECT pg_sleep(2.5)');
    try {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const result = await probe.run(new AbortController().signal);
      expect(result.healthy).toBe(false);
      expect(result.slow).toBe(true);
      expect(result.data).toMatchObject({
        slow_queries: expect.any(Number),
        error: expect.stringMatching(
          /^\d+ queries active for more than 1 s \(limit 1\)$/,
        ),
        details: 'Database is slow',
      });
    } finally {
      await sleeping;
      await sleeper.end();
      await probe.close();
    }
  });

  describe('against a server that accepts and never answers', () => {
    let server: Server;
    const sockets = new Set<Socket>();
    let port = 0;
    beforeAll(async () => {
      server = createServer((s) => {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
      });
      await new Promise<void>((resolve) =>
        server.listen(0, '127.0.0.1', resolve),
      );
      port = (server.address() as { port: number }).port;
    });
    afterAll(() => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(resolve));
    });

    it('settles its own connect at the timeout (connectionTimeoutMillis)', async () => {
      const probe = new PostgresProbe(
        {
          ...thresholds,
          pool: undefined,
          connectionString: `postgres://u@127.0.0.1:${port}/db`,
        },
        200,
      );
      const started = Date.now();
      await expect(probe.run(new AbortController().signal)).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(2000);
      await probe.close();
    });
  });
});
