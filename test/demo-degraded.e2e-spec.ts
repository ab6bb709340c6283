import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, growth, jsonLines } from './support/demo-client';
import { type SlowBootDemo, startSlowBootDemo } from './support/demo-process';
import {
  closedPort,
  type RestartableRedis,
  redisOn,
} from './support/private-services';

const EMBEDDED_URL = String.raw`postgres://postgres@127\.0\.0\.1:\d+/postgres`;
const messages = (demo: SlowBootDemo) =>
  jsonLines(demo.output()).lines.map((l) => String(l.message));

describe('PRS demo without its dependencies', () => {
  // The demo's temp directory (where the PGlite initdb snapshot goes) is the test's own.
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'prs-demo-e2e-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  describe('Postgres unreachable, then Redis up and down', () => {
    let redis: RestartableRedis;
    let demo: SlowBootDemo;
    let token: string;

    beforeAll(async () => {
      redis = redisOn(await closedPort());
      const dbPort = await closedPort();
      demo = await startSlowBootDemo({
        DEMO_ADAPTER: 'fastify',
        DATABASE_URL: `postgres://postgres@127.0.0.1:${dbPort}/postgres`,
        REDIS_URL: `redis://127.0.0.1:${redis.port}`,
        TMPDIR: tmp,
      });
      token = await demo.api.login('alice');
    }, 200_000);
    afterAll(async () => {
      await demo?.stop();
      await redis?.stop();
    });

    it('falls back to the embedded Postgres and says so in one line', () => {
      const fallback = new RegExp(
        String.raw`^Postgres at postgres://postgres@127\.0\.0\.1:\d+/postgres is not reachable \(connect ECONNREFUSED 127\.0\.0\.1:\d+\); using embedded Postgres \(PGlite, in memory: data is lost at exit\) on ${EMBEDDED_URL}, started in \d+ ms \(first start: initdb; later starts reuse a snapshot\)$`,
      );
      expect(messages(demo).filter((m) => fallback.test(m))).toHaveLength(1);
      expect(messages(demo)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            new RegExp(
              `^Database: embedded Postgres \\(PGlite, in memory\\) at ${EMBEDDED_URL}$`,
            ),
          ),
          `Redis at redis://127.0.0.1:${redis.port} is not reachable (ECONNREFUSED); running with caching off. Readiness reports the cache down; caching resumes when Redis is back`,
          `Cache: off: Redis at redis://127.0.0.1:${redis.port} not reachable (retrying)`,
        ]),
      );
      expect(readdirSync(join(tmp, 'prs-demo'))).toEqual([
        expect.stringMatching(/^pglite-\d+\.\d+\.\d+-initdb\.tar\.gz$/),
      ]);
    });

    it('serves a deal end to end on the embedded Postgres, uncached', async () => {
      const { api } = demo;
      const before = await api.metrics();
      const deal = await api.createDeal(token, 500);
      const read = await api.get(`/api/deals/${deal.id}`);
      expect([read.status, read.headers.get('x-cache'), read.body]).toEqual([
        200,
        'OFF',
        deal,
      ]);
      const paid = await api.post(
        `/api/deals/${deal.id}/payments`,
        { amount: 100, method: 'cash' },
        token,
      );
      expect([paid.status, paid.body.deal_outstanding]).toEqual([201, 400]);
      const after = await api.metrics();
      const queries = (operation: string, table: string) =>
        growth(before, after, 'prs_database_queries_total', {
          operation,
          table,
        });
      expect(queries('insert', 'prs_demo.deals')).toBe(1);
      expect(queries('select', 'prs_demo.deals')).toBe(2);
      expect(queries('insert', 'prs_demo.payments')).toBe(1);
      expect(queries('update', 'prs_demo.deals')).toBe(1);
      const ready = await api.get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({
        status: 'not ready',
        checks: {
          database: { healthy: true },
          cache: {
            healthy: false,
            error: expect.stringMatching(/^not connected/),
          },
        },
      });
      expect((await api.get('/health/live')).status).toBe(200);
    });

    it('caches once Redis comes up, and reports the cache down when it stops', async () => {
      const { api } = demo;
      await redis.start();
      await eventually(
        async () => (await api.get('/health/ready')).status === 200,
        30_000,
        'ready once Redis is up',
      );
      const cacheOf = async () =>
        (await api.get('/api/deals/1')).headers.get('x-cache');
      expect([await cacheOf(), await cacheOf()]).toEqual(['MISS', 'HIT']);
      await redis.stop();
      await eventually(
        async () => (await api.get('/health/ready')).status === 503,
        30_000,
        'not ready once Redis stops',
      );
      expect(await cacheOf()).toBe('OFF');
      const where = `Redis at redis://127.0.0.1:${redis.port}`;
      await eventually(
        () => messages(demo).includes(`${where} connection lost: caching off`),
        10_000,
        'the connection-lost line',
      );
      expect(messages(demo)).toContain(`${where} is back: caching on`);
    });
  });

  describe('second embedded start, REDIS_URL=off', () => {
    let demo: SlowBootDemo;
    beforeAll(async () => {
      demo = await startSlowBootDemo({
        DATABASE_URL: `postgres://postgres@127.0.0.1:${await closedPort()}/postgres`,
        REDIS_URL: 'off',
        TMPDIR: tmp,
      });
    }, 200_000);
    afterAll(() => demo?.stop());

    it('reuses the initdb snapshot and runs without a cache check', async () => {
      const fallback = messages(demo).find((m) =>
        m.includes('using embedded Postgres'),
      );
      expect(fallback).toMatch(/started in \d+ ms$/);
      expect(messages(demo)).toContain('Cache: off (REDIS_URL=off)');
      const ready = await demo.api.get('/health/ready');
      expect([ready.status, Object.keys(ready.body.checks)]).toEqual([
        200,
        ['database'],
      ]);
      expect((await demo.api.get('/api/deals/1')).headers.get('x-cache')).toBe(
        'OFF',
      );
    });
  });
});
