import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import Redis from 'ioredis';
import type { ObservabilityModuleOptions } from '../options/observability-options.interface';
import { ObservabilityTestingModule, TestTelemetry } from '../testing';
import { stopTestingSdk } from '../testing/testing-sdk';
import { ActiveUsers } from './active-users.service';
import { RedisActiveUserStore } from './redis-active-user-store';

const GAUGE = 'prs_active_users_total';

const testingModule = (options: ObservabilityModuleOptions) =>
  Test.createTestingModule({
    imports: [ObservabilityTestingModule.forRoot(options)],
  });

describe('ActiveUsers with activeUsers.redis (real Redis on 6379)', () => {
  let client: Redis;
  let telemetry: TestTelemetry;
  let moduleRef: TestingModule | undefined;
  let prefix: string;
  let warn: jest.SpyInstance;

  const start = async (redis: Redis) => {
    moduleRef = await testingModule({
      activeUsers: { redis: { client: redis, keyPrefix: prefix } },
    }).compile();
    await moduleRef.init();
    telemetry = moduleRef.get(TestTelemetry);
    return moduleRef.get(ActiveUsers);
  };
  /** Collects until the gauge reads `expected` (each collection starts the next PFCOUNT). */
  const gaugeReaches = async (expected: number) => {
    const until = Date.now() + 20_000;
    let values: number[] = [];
    while (Date.now() < until) {
      values = (await telemetry.metricSeries(GAUGE)).map((s) => s.value);
      if (values[0] === expected) return values;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return values;
  };

  beforeAll(() => {
    client = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
    return client.connect();
  });
  beforeEach(() => {
    prefix = `prs:test:active_users_service:${randomBytes(6).toString('hex')}`;
    warn = jest
      .spyOn(Logger.prototype, 'warn')
      .mockImplementation(() => undefined);
  });
  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
    // A fresh meter per test: an observable gauge keeps its callback for the meter's life.
    stopTestingSdk();
    warn.mockRestore();
    const keys = await client.keys(`{${prefix}}:*`);
    if (keys.length > 0) await client.del(...keys);
  });
  afterAll(() => client.quit());

  it("reports the fleet's count: its own users and another replica's, each once", async () => {
    const activeUsers = await start(client);
    for (const id of ['alice', 'bob', 42, 'bob']) activeUsers.touch(id);
    const otherReplica = new RedisActiveUserStore({
      client,
      keyPrefix: prefix,
      windowMs: 30 * 60_000,
      timeoutMs: 1_000,
      onWriteFailure: () => undefined,
    });
    for (const id of ['bob', 'carol']) otherReplica.add(id);
    await otherReplica.close();
    expect(await gaugeReaches(4)).toEqual([4]);
    expect(activeUsers.count()).toBe(3); // this process's own users
    expect(warn).not.toHaveBeenCalled();
  });

  it('Redis failing: touch() never throws, the gauge keeps its last value, one warning per kind', async () => {
    let failing = false;
    const flaky = Object.assign(Object.create(client) as Redis, {
      pfadd: (key: string, ...ids: string[]) =>
        failing
          ? Promise.reject(new Error('READONLY'))
          : client.pfadd(key, ...ids),
      pfcount: (...keys: string[]) =>
        failing
          ? Promise.reject(new Error('READONLY'))
          : client.pfcount(...keys),
    });
    const activeUsers = await start(flaky);
    activeUsers.touch('alice');
    expect(await gaugeReaches(1)).toEqual([1]);
    failing = true;
    expect(() => activeUsers.touch('bob')).not.toThrow();
    // Collect (each collection tries a PFCOUNT) until both failures were reported:
    // the read's, and the write's at the next once-a-second flush.
    const until = Date.now() + 20_000;
    do {
      expect((await telemetry.metricSeries(GAUGE)).map((s) => s.value)).toEqual(
        [1],
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
    } while (warn.mock.calls.length < 2 && Date.now() < until);
    expect(warn.mock.calls.map((c) => String(c[0])).sort()).toEqual([
      'Counting active users in Redis (PFCOUNT) failed; prs_active_users_total keeps reporting its last value: Error: READONLY',
      'Recording active users in Redis failed; the request was not affected, prs_active_users_total may undercount until they return: Error: READONLY',
    ]);
  });
});
