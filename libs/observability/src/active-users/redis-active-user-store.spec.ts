import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import {
  hashUserId,
  RedisActiveUserStore,
  type RedisActiveUserStoreSettings,
  type RedisWriteFailure,
} from './redis-active-user-store';

const MINUTE = 60_000;
const WINDOW = 30 * MINUTE;
/** Redis HyperLogLog: 0.81% standard error; bounds are 3 standard errors. */
const THREE_SIGMA = 3 * 0.0081;

describe('RedisActiveUserStore (real Redis on 6379)', () => {
  let client: Redis;
  let prefix: string;
  let now: number;
  let failures: RedisWriteFailure[];
  const stores: RedisActiveUserStore[] = [];
  const store = (overrides: Partial<RedisActiveUserStoreSettings> = {}) => {
    const created = new RedisActiveUserStore({
      client,
      keyPrefix: prefix,
      windowMs: WINDOW,
      timeoutMs: 1_000,
      now: () => now,
      onWriteFailure: (reason) => failures.push(reason),
      ...overrides,
    });
    stores.push(created);
    return created;
  };

  beforeAll(() => {
    client = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
    return client.connect();
  });
  beforeEach(() => {
    prefix = `prs:test:active_users:${randomBytes(6).toString('hex')}`;
    now = 1_700_000_000_000;
    failures = [];
  });
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    const keys = await client.keys(`{${prefix}}:*`);
    if (keys.length > 0) await client.del(...keys);
  });
  afterAll(() => client.quit());

  it('two stores (two replicas) on one prefix count the union of their users', async () => {
    const a = store();
    const b = store();
    for (let i = 0; i < 2_000; i++) (i % 2 === 0 ? a : b).add(`user-${i}`);
    for (let i = 0; i < 500; i++) b.add(`user-${i}`); // seen by both
    await Promise.all([a.flush(), b.flush()]);
    for (const count of [await a.count(), await b.count()]) {
      expect(Math.abs(count - 2_000) / 2_000).toBeLessThan(THREE_SIGMA);
    }
    expect(failures).toEqual([]);
  });

  it('keys are per bucket with a TTL of window + 2 buckets; users leave after 30 to 31 buckets', async () => {
    const s = store();
    s.add('early');
    await s.flush();
    now += 10 * MINUTE;
    s.add('late');
    await s.flush();
    const keys = (await client.keys(`{${prefix}}:*`)).sort();
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      const ttl = await client.pttl(key);
      expect(ttl).toBeGreaterThan(WINDOW);
      expect(ttl).toBeLessThanOrEqual(WINDOW + 2 * MINUTE);
    }
    expect(await s.count()).toBe(2);
    now += 21 * MINUTE; // 'early' is 31 minutes old
    expect(await s.count()).toBe(1);
    now += 10 * MINUTE;
    expect(await s.count()).toBe(0);
  });

  it('sends hashes, never the ids; one PFADD per bucket per flush', async () => {
    const calls: string[][] = [];
    const spy = Object.assign(Object.create(client) as Redis, {
      pfadd: (key: string, ...ids: string[]) => {
        calls.push([key, ...ids]);
        return client.pfadd(key, ...ids);
      },
    });
    const s = store({ client: spy });
    for (const id of ['alice', 'bob', 'alice', '42']) s.add(id);
    await s.flush();
    expect(calls).toEqual([
      [
        expect.stringMatching(/^\{prs:test:active_users:[0-9a-f]+\}:\d+$/),
        hashUserId('alice'),
        hashUserId('bob'),
        hashUserId('42'),
      ],
    ]);
    expect(hashUserId('alice')).toMatch(/^[0-9a-f]{16}$/);
    expect(await s.count()).toBe(3);
  });

  it('a hung Redis: the flush gives up at its deadline and reports a timeout', async () => {
    const hung = Object.assign(Object.create(client) as Redis, {
      pfadd: () => new Promise<number>(() => undefined),
    });
    const s = store({ client: hung, timeoutMs: 50 });
    s.add('alice');
    await s.flush();
    expect(failures).toEqual(['timeout']);
  });

  it('a client that is not ready: nothing is sent, the count rejects (the caller keeps its last value)', async () => {
    const down = Object.assign(Object.create(client) as Redis, {
      status: 'reconnecting',
    });
    const s = store({ client: down });
    s.add('alice');
    await s.flush();
    expect(failures).toEqual(['not-ready']);
    await expect(s.count()).rejects.toThrow('Redis is not ready');
    expect(await client.keys(`{${prefix}}:*`)).toEqual([]);
  });
});
