import Redis from 'ioredis';
import { RedisProbe } from './redis.probe';

const config = {
  keyPrefix: 'prs:health:test:',
  keyTtlSeconds: 5,
  responseTimeThresholdMs: 1000,
};

describe('RedisProbe (real Redis on 6379)', () => {
  let client: Redis;
  beforeAll(() => {
    client = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
    return client.connect();
  });
  afterAll(() => client.quit());

  it('writes a namespaced key with a TTL, reads it back and reports INFO figures', async () => {
    const result = await new RedisProbe({ ...config, client }).run();
    expect(result).toEqual({
      healthy: true,
      data: {
        response_time: expect.any(Number),
        connected_clients: expect.any(Number),
        used_memory_human: expect.stringMatching(/^\d+(\.\d+)?[BKMGT]$/),
        details: 'Cache connectivity OK',
      },
    });
    const keys = await client.keys('prs:health:test:*');
    expect(keys).toHaveLength(1);
    const ttl = await client.ttl(keys[0] as string);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5);
  });

  it('is down when the round trip is not below the threshold', async () => {
    // The real client, with GET slowed by 30 ms.
    const slow = Object.assign(Object.create(client) as Redis, {
      get: (key: string) =>
        new Promise((resolve) => setTimeout(resolve, 30)).then(() =>
          client.get(key),
        ),
    });
    const result = await new RedisProbe({
      ...config,
      client: slow,
      responseTimeThresholdMs: 20,
    }).run();
    expect(result).toEqual({
      healthy: false,
      slow: true,
      data: {
        response_time: expect.any(Number),
        connected_clients: expect.any(Number),
        used_memory_human: expect.any(String),
        error: expect.stringMatching(
          /^response time \d+ ms is not below 20 ms$/,
        ),
        details: 'Cache is slow',
      },
    });
  });

  it('reports a client that is not ready without sending a command', async () => {
    const idle = new Redis({
      host: '127.0.0.1',
      port: 6379,
      lazyConnect: true,
    });
    const result = await new RedisProbe({ ...config, client: idle }).run();
    expect(result).toEqual({
      healthy: false,
      data: {
        error: 'not connected (client status "wait")',
        details: 'Cache connectivity failed',
      },
    });
    idle.disconnect();
  });
});
