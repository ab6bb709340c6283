import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { type DemoApp, startDemo } from './support/demo-app';
import { DEMO_PASSWORD, RUN_ID, eventually } from './support/demo-client';
import { linesOf, scrape } from './support/exposition';

/**
 * Two demo replicas (Express and Fastify) sharing the machine's Redis with
 * PRS_ACTIVE_USERS_SOURCE=redis and a key prefix unique to this run: 300 distinct
 * users log in, half on each replica, and each replica's prs_active_users_total is
 * the fleet's count, 300 within the documented error (docs/fleet.md: Redis
 * HyperLogLog, 0.81% standard error; the bound is 3 standard errors).
 */

const USERS = 300;
const THREE_SIGMA = 3 * 0.0081;
const GAUGE = 'prs_active_users_total';

/** Runs `task` over `items`, `parallel` at a time. */
async function each<T>(
  items: T[],
  parallel: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < items.length) {
        const index = next++;
        await task(items[index]!, index);
      }
    }),
  );
}

describe('prs_active_users_total across two replicas sharing Redis', () => {
  const prefix = `prs:e2e:active_users:${RUN_ID}${randomBytes(3).toString('hex')}`;
  let replicas: DemoApp[] = [];
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
    await redis.connect();
    const env = {
      PRS_ACTIVE_USERS_SOURCE: 'redis',
      PRS_ACTIVE_USERS_KEY_PREFIX: prefix,
      OTEL_TRACES_EXPORTER: 'none',
    };
    replicas = await Promise.all([
      startDemo('express', env),
      startDemo('fastify', env),
    ]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.app.stop()));
    const keys = await redis.keys(`{${prefix}}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  }, 60_000);

  const gauge = async (replica: DemoApp): Promise<number | undefined> => {
    const [line] = linesOf(await scrape(replica.app.url('/metrics')), GAUGE);
    return line === undefined ? undefined : Number(line.split(' ')[1]);
  };

  it(`${USERS} distinct users logged in across both: each replica reports ${USERS} within 3 × 0.81%`, async () => {
    const names = Array.from({ length: USERS }, (_, i) => `au${RUN_ID}-${i}`);
    await each(names, 6, async (username, i) => {
      const replica = replicas[i % 2]!;
      const registered = await replica.api.post('/api/auth/register', {
        username,
        password: DEMO_PASSWORD,
      });
      expect(registered.status).toBe(201);
    });
    // Each user logs in on one replica, some twice: repeats count once.
    await each(names, 6, async (username, i) => {
      await replicas[i % 2]!.api.login(username);
      if (i % 10 === 0) await replicas[(i + 1) % 2]!.api.login(username);
    });

    // Writes leave once a second; a scrape reports the last count and starts the next.
    const counts: (number | undefined)[] = [];
    const until = Date.now() + 60_000;
    const near = (value: number | undefined) =>
      value !== undefined && Math.abs(value - USERS) / USERS <= THREE_SIGMA;
    do {
      await new Promise((resolve) => setTimeout(resolve, 500));
      counts.splice(0, 2, ...(await Promise.all(replicas.map(gauge))));
    } while (!counts.every(near) && Date.now() < until);
    for (const count of counts) {
      expect(count).toBeDefined();
      expect(Math.abs(count! - USERS) / USERS).toBeLessThanOrEqual(THREE_SIGMA);
    }

    // The keys: this run's prefix as a hash tag, each with a TTL of at most 32 minutes;
    // the elements are hashes (a HyperLogLog keeps none of them anyway).
    const keys = await redis.keys(`{${prefix}}:*`);
    expect(keys.length).toBeGreaterThanOrEqual(1);
    for (const key of keys) {
      expect(key).toMatch(/^\{prs:e2e:active_users:[^}]+\}:\d+$/);
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(32 * 60_000);
    }
    // A scrape reports the count read at the previous one, so a replica can trail Redis by
    // the writes of the last second (seen: 296 against 298 on a loaded box); once the writes
    // have landed, it reports exactly what Redis counts.
    let stored = 0;
    let reported: number | undefined;
    await eventually(
      async () => {
        stored = await redis.pfcount(...keys);
        reported = await gauge(replicas[0]!);
        return reported === stored;
      },
      30_000,
      'the replica never reported what Redis counts',
    ).catch(() => undefined); // the expectation below shows both numbers
    expect(reported).toBe(stored);
  }, 240_000);
});
