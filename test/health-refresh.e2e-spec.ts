import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { linesOf, scrape } from './support/exposition';
import { ADAPTERS, type RunningFixture } from './support/fixture-process';
import {
  pollUntil,
  REAL_PG_URL,
  REAL_REDIS_PORT,
  startHealthFixture,
  timedGet,
} from './support/health-fixture';
import { closedPort } from './support/private-services';

const TOKEN = 'health-token-5b21';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const CHECKS = ['application', 'cache', 'database', 'disk'];

/** The `check` label of every `prs_health_check_status` sample, sorted. */
function statusChecks(text: string): string[] {
  return linesOf(text, 'prs_health_check_status')
    .map((line) => /check="([^"]+)"/.exec(line)?.[1] ?? line)
    .sort();
}

describe.each(ADAPTERS)(
  'health checks refreshed in the background (%s)',
  (adapter) => {
    let app: RunningFixture;
    beforeAll(async () => {
      app = await startHealthFixture(
        adapter,
        { health: { token: TOKEN, refreshIntervalMs: 1000 } },
        { HEALTH_PG_URL: REAL_PG_URL, HEALTH_REDIS_PORT: REAL_REDIS_PORT },
      );
    });
    afterAll(() => app?.stop());

    it('exports prs_health_check_status for every check on the first scrape, before any health call', async () => {
      const text = await scrape(app.url('/metrics'));
      expect(statusChecks(text)).toEqual(CHECKS);
      for (const line of linesOf(text, 'prs_health_check_status'))
        expect(line).toMatch(/ [01]$/);
      expect(
        linesOf(text, 'prs_health_check_duration_seconds_count')
          .map((line) => /check="([^"]+)"/.exec(line)?.[1])
          .sort(),
      ).toEqual(CHECKS);
    });

    it('re-runs the checks every refreshIntervalMs with no health call', async () => {
      const diskRuns = async (): Promise<number> => {
        const text = await scrape(app.url('/metrics'));
        const line = linesOf(
          text,
          'prs_health_check_duration_seconds_count',
        ).find((l) => l.includes('check="disk"'));
        return Number(line?.split(' ').pop() ?? 0);
      };
      const first = await diskRuns();
      const until = Date.now() + 30_000;
      let runs = first;
      while (runs < first + 2 && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        runs = await diskRuns();
      }
      expect(runs).toBeGreaterThanOrEqual(first + 2);
    });

    it("leaves the checks' own queries and cache commands out of the dependency metrics", async () => {
      // The app itself sends no query and no SET/GET (ioredis' own connect-time INFO is
      // not a check's): every one here would be a check's.
      const text = await scrape(app.url('/metrics'));
      expect(linesOf(text, 'prs_database_queries_total')).toEqual([]);
      expect(
        linesOf(text, 'prs_cache_operations_total').filter((line) =>
          /command="(set|get)"/.test(line),
        ),
      ).toEqual([]);
    });
  },
);

describe.each(ADAPTERS)('health refresh switched off (%s)', (adapter) => {
  let app: RunningFixture;
  beforeAll(async () => {
    app = await startHealthFixture(
      adapter,
      { health: { refreshIntervalMs: 0 } },
      { HEALTH_PG_URL: REAL_PG_URL, HEALTH_REDIS_PORT: REAL_REDIS_PORT },
    );
  });
  afterAll(() => app?.stop());

  it('has no prs_health_check_status series until a health endpoint is called', async () => {
    expect(statusChecks(await scrape(app.url('/metrics')))).toEqual([]);
    await timedGet(app.url('/api/health/'));
    expect(statusChecks(await scrape(app.url('/metrics')))).toEqual(CHECKS);
  });
});

describe.each(ADAPTERS)(
  'readiness 503 with Postgres refused (%s)',
  (adapter) => {
    let app: RunningFixture;
    let port: number;
    beforeAll(async () => {
      port = await closedPort();
      app = await startHealthFixture(
        adapter,
        { health: { token: TOKEN } },
        {
          HEALTH_PG_URL: `postgres://postgres:pg-secret-77@127.0.0.1:${port}/test`,
          HEALTH_REDIS_PORT: REAL_REDIS_PORT,
        },
      );
    });
    afterAll(() => app?.stop());

    it('carries an `error` naming the failed check, and no host, port or password', async () => {
      // Wait for the app's ioredis client to connect, so only the database is down.
      await pollUntil(
        app.url('/health/ready'),
        (a) =>
          (a.body as { checks?: { cache?: { healthy?: boolean } } }).checks
            ?.cache?.healthy === true,
        15_000,
      );
      for (const headers of [{}, AUTH]) {
        const { status, body } = await timedGet(
          app.url('/health/ready'),
          headers,
        );
        expect(status).toBe(503);
        expect(body).toMatchObject({
          status: 'not ready',
          error: 'unavailable: database',
          checks: { database: { healthy: false } },
        });
        const text = JSON.stringify(body);
        expect(text).not.toContain('pg-secret-77');
        expect(text).not.toContain(String(port));
      }
    });

    it('reports the database down in prs_health_check_status without any probe call having been needed', async () => {
      const text = await scrape(app.url('/metrics'));
      expect(linesOf(text, 'prs_health_check_status')).toContain(
        'prs_health_check_status{check="database"} 0',
      );
    });
  },
);

describe.each(ADAPTERS)('disk check with file logging (%s)', (adapter) => {
  let app: RunningFixture;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'prs-health-logdir-'));
    app = await startHealthFixture(adapter, {
      health: { token: TOKEN },
      logging: { files: { main: join(dir, 'logs', 'app.log') } },
    });
  });
  afterAll(async () => {
    await app?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("measures the log file's directory without health.disk.logPath", async () => {
    const { status, body } = await timedGet(app.url('/api/health/'), AUTH);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      checks: {
        disk: {
          healthy: true,
          main_disk_free_percent: expect.any(Number),
          log_disk_free_percent: expect.any(Number),
        },
      },
    });
  });
});
