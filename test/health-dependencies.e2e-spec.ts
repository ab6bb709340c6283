import { linesOf, scrape } from './support/exposition';
import { ADAPTERS, type RunningFixture } from './support/fixture-process';
import {
  type Answer,
  ISO_TIMESTAMP,
  pollUntil,
  REAL_PG_URL,
  REAL_REDIS_PORT,
  startHealthFixture,
  timedGet,
} from './support/health-fixture';
import {
  closedPort,
  type HangingServer,
  type PrivateRedis,
  startHangingServer,
  startRedis,
} from './support/private-services';

const TOKEN = 'health-token-7f3a';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const TIMEOUT_MS = 400;
const DEADLINE_MS = 600;
// Timer and event-loop lag inside the app, on top of the deadline (Server-Timing).
const SERVER_SLACK_MS = 150;
// What the test process itself adds on a busy 2-core machine (connections, scheduling).
const CLIENT_SLACK_MS = 1500;

/** Answered within the deadline: exactly at the server, loosely as the client saw it. */
function expectWithinDeadline(answer: Answer): void {
  expect(answer.serverMs).toBeLessThan(DEADLINE_MS + SERVER_SLACK_MS);
  expect(answer.ms).toBeLessThan(DEADLINE_MS + CLIENT_SLACK_MS);
}
const OPTIONS = {
  health: {
    token: TOKEN,
    timeoutMs: TIMEOUT_MS,
    deadlineMs: DEADLINE_MS,
    drainDelayMs: 0,
  },
};
const POLLS = 5;

/** `POLLS` rounds of ready + full + live: dependencies' probes fail fast, liveness never does. */
async function expectDownEveryPoll(
  app: RunningFixture,
  check: 'database' | 'cache',
): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let i = 0; i < POLLS; i++) {
    const ready = await timedGet(app.url('/health/ready'));
    const full = await timedGet(app.url('/api/health/'));
    const live = await timedGet(app.url('/health/live'));
    expect(ready).toMatchObject({
      status: 503,
      body: { status: 'not ready', checks: { [check]: { healthy: false } } },
    });
    expect(full).toMatchObject({
      status: 503,
      body: { status: 'unhealthy', checks: { [check]: { healthy: false } } },
    });
    expect(live).toMatchObject({ status: 200, body: { status: 'alive' } });
    expectWithinDeadline(ready);
    expectWithinDeadline(full);
    // Never waits on a dependency: answered synchronously at the server.
    expect(live.serverMs).toBeLessThan(50);
    answers.push(ready, full);
  }
  return answers;
}

describe.each(ADAPTERS)('Redis stopped (%s)', (adapter) => {
  let redis: PrivateRedis;
  let app: RunningFixture;
  beforeAll(async () => {
    redis = await startRedis();
    app = await startHealthFixture(adapter, OPTIONS, {
      HEALTH_PG_URL: REAL_PG_URL,
      HEALTH_REDIS_PORT: String(redis.port),
    });
  });
  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
  });

  it('turns ready and full to 503 within the deadline while live stays 200', async () => {
    // Ready once the app's ioredis client has connected.
    await pollUntil(app.url('/health/ready'), (a) => a.status === 200, 15_000);
    await redis.stop();
    await pollUntil(app.url('/health/ready'), (a) => a.status === 503, 15_000);
    await expectDownEveryPoll(app, 'cache');
    const { body } = await timedGet(app.url('/health/ready'), AUTH);
    expect(body).toEqual({
      status: 'not ready',
      error: 'unavailable: cache',
      checks: {
        database: expect.objectContaining({ healthy: true }),
        cache: {
          healthy: false,
          error: expect.stringMatching(
            /^not connected \(client status "(connecting|reconnecting)"\)$/,
          ),
          details: 'Cache connectivity failed',
        },
      },
    });
  });
});

describe.each(ADAPTERS)('Redis frozen with SIGSTOP (%s)', (adapter) => {
  let redis: PrivateRedis;
  let app: RunningFixture;
  beforeAll(async () => {
    redis = await startRedis();
    app = await startHealthFixture(adapter, OPTIONS, {
      HEALTH_PG_URL: REAL_PG_URL,
      HEALTH_REDIS_PORT: String(redis.port),
    });
  });
  afterAll(async () => {
    redis?.thaw();
    await app?.stop();
    await redis?.stop();
  });

  it('times the cache check out, answers within the deadline, keeps live at 200, recovers on SIGCONT', async () => {
    // Ready once the app's ioredis client has connected.
    await pollUntil(app.url('/health/ready'), (a) => a.status === 200, 15_000);
    redis.freeze();
    const first = await timedGet(app.url('/health/ready'), AUTH);
    expect(first.status).toBe(503);
    expect(first.serverMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
    expectWithinDeadline(first);
    expect((first.body as { checks: object }).checks).toEqual({
      database: expect.objectContaining({ healthy: true }),
      cache: {
        healthy: false,
        error: `timeout after ${TIMEOUT_MS} ms`,
        details: 'Cache connectivity failed',
      },
    });
    await expectDownEveryPoll(app, 'cache');
    redis.thaw();
    await pollUntil(app.url('/health/ready'), (a) => a.status === 200, 15_000);
  });
});

describe.each(ADAPTERS)('Postgres unreachable: closed port (%s)', (adapter) => {
  let app: RunningFixture;
  beforeAll(async () => {
    const port = await closedPort();
    app = await startHealthFixture(adapter, OPTIONS, {
      HEALTH_PG_URL: `postgres://postgres@127.0.0.1:${port}/test`,
      HEALTH_REDIS_PORT: REAL_REDIS_PORT,
    });
    // Wait for the app's ioredis client, so only the database is down.
    const cacheUp = (a: Answer) =>
      (a.body as { checks?: { cache?: { healthy?: boolean } } }).checks?.cache
        ?.healthy === true;
    await pollUntil(app.url('/health/ready'), cacheUp, 15_000);
  });
  afterAll(() => app?.stop());

  it('reports "connection refused", 503 within the deadline, live 200', async () => {
    await expectDownEveryPoll(app, 'database');
    // Anonymous callers get the flags only; the token shows the masked reason.
    expect((await timedGet(app.url('/api/health/'))).body).toEqual({
      status: 'unhealthy',
      timestamp: ISO_TIMESTAMP,
      version: 'unknown',
      checks: {
        database: { healthy: false },
        cache: { healthy: true },
        disk: { healthy: true },
        external_services: { healthy: true, services: {} },
        application: { healthy: true },
      },
    });
    expect((await timedGet(app.url('/health/ready'), AUTH)).body).toEqual({
      status: 'not ready',
      error: 'unavailable: database',
      checks: {
        database: {
          healthy: false,
          error: 'connection refused',
          details: 'Database connectivity failed',
        },
        cache: {
          healthy: true,
          response_time: expect.any(Number),
          connected_clients: expect.any(Number),
          used_memory_human: expect.any(String),
          details: 'Cache connectivity OK',
        },
      },
    });
    expect(
      linesOf(await scrape(app.url('/metrics')), 'prs_health_check_status'),
    ).toContain('prs_health_check_status{check="database"} 0');
  });
});

describe.each(ADAPTERS)(
  'Postgres hanging: accepts, never answers (%s)',
  (adapter) => {
    let hanging: HangingServer;
    let app: RunningFixture;
    beforeAll(async () => {
      hanging = await startHangingServer();
      app = await startHealthFixture(adapter, OPTIONS, {
        HEALTH_PG_URL: `postgres://postgres@127.0.0.1:${hanging.port}/test`,
        HEALTH_REDIS_PORT: REAL_REDIS_PORT,
        HEALTH_APP_CHECK: 'hang',
      });
    });
    afterAll(async () => {
      await app?.stop();
      await hanging?.close();
    });

    it('shares one check among 50 concurrent probes: one connection, one application call', async () => {
      const ready = await Promise.all(
        Array.from({ length: 50 }, () => timedGet(app.url('/health/ready'))),
      );
      expect(ready.map((a) => a.status)).toEqual(Array(50).fill(503));
      ready.forEach(expectWithinDeadline);
      expect(hanging.accepted()).toBe(1);

      const full = await Promise.all(
        Array.from({ length: 50 }, () => timedGet(app.url('/api/health/'))),
      );
      expect(full.map((a) => a.status)).toEqual(Array(50).fill(503));
      full.forEach(expectWithinDeadline);
      expect(
        (await timedGet(app.url('/api/fixture-health/calls'))).body,
      ).toEqual({ application: 1 });
    });

    it('keeps answering 503 within the deadline, live 200, without opening more connections', async () => {
      await expectDownEveryPoll(app, 'database');
      expect(hanging.accepted()).toBe(1);
      const { body } = await timedGet(app.url('/api/health/'), AUTH);
      expect(body).toMatchObject({
        status: 'unhealthy',
        checks: {
          database: {
            healthy: false,
            error: `timeout after ${TIMEOUT_MS} ms`,
            details: 'Database connectivity failed',
          },
          application: {
            healthy: false,
            error: `timeout after ${TIMEOUT_MS} ms`,
            details: 'Application health check failed',
          },
        },
      });
      expect(app.output()).toContain(
        `Health check "database" is down: timeout after ${TIMEOUT_MS} ms`,
      );
    });
  },
);
