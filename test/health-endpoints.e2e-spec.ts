import { linesOf, scrape } from './support/exposition';
import { ADAPTERS, type RunningFixture } from './support/fixture-process';
import {
  ISO_TIMESTAMP,
  pollUntil,
  REAL_PG_URL,
  REAL_REDIS_PORT,
  startHealthFixture,
  timedGet,
} from './support/health-fixture';

const TOKEN = 'health-token-7f3a';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const OPTIONS = {
  health: {
    version: '1.2.3',
    token: TOKEN,
    timeoutMs: 2000,
    deadlineMs: 3000,
    drainDelayMs: 0,
  },
};
const ENV = {
  HEALTH_PG_URL: REAL_PG_URL,
  HEALTH_REDIS_PORT: REAL_REDIS_PORT,
  HEALTH_APP_CHECK: 'users',
} as const;

const seconds = expect.any(Number);
const count = expect.any(Number);

describe.each(ADAPTERS)(
  'health endpoints, all dependencies up (%s)',
  (adapter) => {
    let app: RunningFixture;
    beforeAll(async () => {
      app = await startHealthFixture(adapter, OPTIONS, ENV);
      // Healthy once the app's ioredis client has connected.
      await pollUntil(
        app.url('/health/ready'),
        (a) => a.status === 200,
        15_000,
      );
    });
    afterAll(() => app?.stop());

    it('GET /api/health/ answers 200 with a flag per check and no details for anonymous callers', async () => {
      for (const path of ['/api/health/', '/api/health']) {
        const { status, body } = await timedGet(app.url(path));
        expect(status).toBe(200);
        expect(body).toEqual({
          status: 'healthy',
          timestamp: ISO_TIMESTAMP,
          version: '1.2.3',
          checks: {
            database: { healthy: true },
            cache: { healthy: true },
            disk: { healthy: true },
            external_services: { healthy: true, services: {} },
            application: { healthy: true },
          },
        });
      }
    });

    it('shows every detail to a caller with the bearer token', async () => {
      const { status, body } = await timedGet(app.url('/api/health/'), AUTH);
      expect(status).toBe(200);
      expect(body).toEqual({
        status: 'healthy',
        timestamp: ISO_TIMESTAMP,
        version: '1.2.3',
        checks: {
          database: {
            healthy: true,
            response_time: seconds,
            slow_queries: 0,
            connections: count,
            details: 'Database connectivity OK',
          },
          cache: {
            healthy: true,
            response_time: seconds,
            connected_clients: count,
            used_memory_human: expect.stringMatching(/^\d+(\.\d+)?[BKMGT]$/),
            details: 'Cache connectivity OK',
          },
          disk: {
            healthy: true,
            main_disk_free_percent: expect.any(Number),
            details: expect.stringMatching(/^Disk space: \d+\.\d% free$/),
          },
          external_services: {
            healthy: true,
            services: {},
            details: 'Checked 0 external services',
          },
          application: {
            healthy: true,
            user_count: 42,
            details: 'Application health OK',
          },
        },
      });
    });

    it('treats a wrong token like no token', async () => {
      const { body } = await timedGet(app.url('/api/health/'), {
        authorization: 'Bearer wrong',
      });
      expect(
        (body as { checks: { database: object } }).checks.database,
      ).toEqual({ healthy: true });
    });

    it('GET /health/ready checks database and cache; GET /health/live the process', async () => {
      expect(await timedGet(app.url('/health/ready'))).toMatchObject({
        status: 200,
        body: {
          status: 'ready',
          checks: { database: { healthy: true }, cache: { healthy: true } },
        },
      });
      expect(await timedGet(app.url('/health/live'))).toMatchObject({
        status: 200,
        body: { status: 'alive' },
      });
    });

    it('answers 405 to other methods and serves HEAD without a body', async () => {
      const post = await fetch(app.url('/health/live'), { method: 'POST' });
      expect(post.status).toBe(405);
      expect(post.headers.get('allow')).toBe('GET, HEAD');
      const head = await fetch(app.url('/health/ready'), { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(await head.text()).toBe('');
      expect(head.headers.get('cache-control')).toBe('no-store');
      expect(head.headers.get('server-timing')).toMatch(/^health;dur=\d+\.\d$/);
    });

    it('makes the indicators usable in a user @HealthCheck() controller (Terminus)', async () => {
      const { status, body } = await timedGet(
        app.url('/api/fixture-health/terminus'),
      );
      expect(status).toBe(200);
      expect(body).toMatchObject({
        status: 'ok',
        info: {
          db: {
            status: 'up',
            slow_queries: 0,
            details: 'Database connectivity OK',
          },
          redis: { status: 'up', details: 'Cache connectivity OK' },
          disk: { status: 'up' },
          application: { status: 'up', user_count: 42 },
        },
        error: {},
      });
    });

    it('exports prs_health_check_status and prs_health_check_duration_seconds per check', async () => {
      await timedGet(app.url('/api/health/'));
      const text = await scrape(app.url('/metrics'));
      expect(linesOf(text, 'prs_health_check_status').sort()).toEqual([
        'prs_health_check_status{check="application"} 1',
        'prs_health_check_status{check="cache"} 1',
        'prs_health_check_status{check="database"} 1',
        'prs_health_check_status{check="disk"} 1',
      ]);
      const counts = linesOf(text, 'prs_health_check_duration_seconds_count');
      expect(counts.map((l) => l.replace(/ \d+$/, '')).sort()).toEqual([
        'prs_health_check_duration_seconds_count{check="application"}',
        'prs_health_check_duration_seconds_count{check="cache"}',
        'prs_health_check_duration_seconds_count{check="database"}',
        'prs_health_check_duration_seconds_count{check="disk"}',
      ]);
      expect(text).toContain('# TYPE prs_health_check_status gauge');
      expect(text).toContain(
        '# TYPE prs_health_check_duration_seconds histogram',
      );
      // Probes are served before Nest and never counted as HTTP traffic.
      const counted = linesOf(text, 'prs_http_requests_total');
      expect(
        counted.filter(
          (l) => !l.includes('endpoint="/api/fixture-health/terminus"'),
        ),
      ).toEqual([]);
    });
  },
);

describe.each(ADAPTERS)(
  'health endpoints outside the global prefix and guards (%s)',
  (adapter) => {
    let app: RunningFixture;
    beforeAll(async () => {
      app = await startHealthFixture(
        adapter,
        {
          health: {
            paths: { full: '/status/full', ready: '/ready', live: '/live' },
            details: 'never',
            token: TOKEN,
          },
        },
        { FIXTURE_GLOBAL_GUARD: 'deny' },
      );
    });
    afterAll(() => app?.stop());

    it('serves configured paths despite a deny-all global guard, and nothing at the defaults', async () => {
      expect((await timedGet(app.url('/status/full'))).status).toBe(200);
      expect((await timedGet(app.url('/ready'))).status).toBe(200);
      expect((await timedGet(app.url('/live'))).body).toEqual({
        status: 'alive',
      });
      expect((await timedGet(app.url('/health/live'))).status).toBe(404);
      // The guard does apply to the app's own routes.
      expect(
        (await timedGet(app.url('/api/fixture-health/calls'))).status,
      ).toBe(403);
    });

    it('shows no details to anyone with details: never, not even with the token', async () => {
      const { body } = await timedGet(app.url('/status/full'), AUTH);
      expect(body).toEqual({
        status: 'healthy',
        timestamp: ISO_TIMESTAMP,
        version: 'unknown',
        checks: {
          disk: { healthy: true },
          external_services: { healthy: true, services: {} },
          application: { healthy: true },
        },
      });
    });
  },
);

describe.each(ADAPTERS)('health with metrics disabled (%s)', (adapter) => {
  let app: RunningFixture;
  beforeAll(async () => {
    app = await startHealthFixture(adapter, { metrics: { enabled: false } });
  });
  afterAll(() => app?.stop());

  it('still serves the probes', async () => {
    expect((await timedGet(app.url('/health/live'))).status).toBe(200);
    expect(await timedGet(app.url('/health/ready'))).toMatchObject({
      status: 200,
      body: { status: 'ready', checks: {} },
    });
    expect((await timedGet(app.url('/metrics'))).status).toBe(404);
  });
});

describe('health disabled', () => {
  let app: RunningFixture;
  beforeAll(async () => {
    app = await startHealthFixture('express', { health: { enabled: false } });
  });
  afterAll(() => app?.stop());

  it('serves no probe', async () => {
    expect((await timedGet(app.url('/health/live'))).status).toBe(404);
    expect((await timedGet(app.url('/health/ready'))).status).toBe(404);
  });
});
