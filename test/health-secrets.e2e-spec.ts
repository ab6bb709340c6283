import { scrape } from './support/exposition';
import { ADAPTERS, type RunningFixture } from './support/fixture-process';
import {
  pollUntil,
  REAL_REDIS_PORT,
  startHealthFixture,
  timedGet,
} from './support/health-fixture';
import { closedPort } from './support/private-services';

const CANARY = 'CANARY-PW-123';
const TOKEN = 'health-token-7f3a';

/** Every failure path that could echo a credential: driver errors and an app error quoting a URL. */
describe.each(ADAPTERS)(
  'no credential in any body or log line (%s)',
  (adapter) => {
    const apps: RunningFixture[] = [];
    let refusedUrl: string;
    afterAll(() => Promise.all(apps.map((a) => a.stop())));

    beforeAll(async () => {
      const port = await closedPort();
      refusedUrl = `postgres://u:${CANARY}@127.0.0.1:${port}/db`;
      const options = {
        health: {
          details: 'always',
          timeoutMs: 1000,
          deadlineMs: 1500,
          token: TOKEN,
        },
      };
      const canaryEnv = {
        HEALTH_APP_CHECK: 'canary',
        HEALTH_CANARY_URL: refusedUrl,
        HEALTH_CANARY_PW: CANARY,
      } as const;
      apps.push(
        // The check's own pool from a connection string, to a closed port.
        await startHealthFixture(adapter, options, {
          ...canaryEnv,
          HEALTH_PG_URL: refusedUrl,
          HEALTH_PG_MODE: 'connectionString',
        }),
        // The app's pool, to the real server, asking for a database that does not exist (SQLSTATE 3D000).
        await startHealthFixture(adapter, options, {
          ...canaryEnv,
          HEALTH_PG_URL: `postgres://postgres:${CANARY}@127.0.0.1:5432/prs_missing_${CANARY}`,
          HEALTH_REDIS_PORT: REAL_REDIS_PORT,
        }),
      );
    });

    it('shows masked reasons only, and logs them masked', async () => {
      const [refused, missing] = apps as [RunningFixture, RunningFixture];
      const full = await timedGet(refused.url('/api/health/'));
      expect(full.status).toBe(503);
      expect(full.body).toMatchObject({
        checks: {
          database: {
            healthy: false,
            error: 'connection refused',
            details: 'Database connectivity failed',
          },
          application: {
            healthy: false,
            error: 'Error: cannot reach [url] (password=***)',
            details: 'Application health check failed',
          },
        },
      });
      const other = await pollUntil(
        missing.url('/api/health/'),
        (a) => a.status === 503,
        15_000,
      );
      expect((other.body as { checks: object }).checks).toMatchObject({
        database: {
          healthy: false,
          error: 'database does not exist',
          details: 'Database connectivity failed',
        },
      });

      for (const app of apps) {
        const texts = [
          JSON.stringify((await timedGet(app.url('/api/health/'))).body),
          JSON.stringify((await timedGet(app.url('/health/ready'))).body),
          JSON.stringify(
            (await timedGet(app.url('/api/fixture-health/terminus'))).body,
          ),
          await scrape(app.url('/metrics')),
        ];
        for (const text of texts) expect(text).not.toContain(CANARY);
      }
      // Give the loggers a moment to flush, then read every line the processes wrote.
      await new Promise((resolve) => setTimeout(resolve, 200));
      for (const app of apps) {
        expect(app.output()).toContain('Health check "database" is down:');
        expect(app.output()).toContain(
          'Health check "application" is down: Error: cannot reach [url] (password=***)',
        );
        expect(app.output()).not.toContain(CANARY);
        expect(app.output()).not.toContain(TOKEN);
      }
    });
  },
);
