import { resolveModuleOptions } from '../options/validate-options';
import { defaultExtractUserId } from './active-users.constants';

describe('activeUsers options', () => {
  it('applies the defaults', () => {
    expect(resolveModuleOptions(undefined).activeUsers).toEqual({
      windowMs: 1_800_000,
      maxTracked: 10_000,
      extractUserId: defaultExtractUserId,
      source: undefined,
      redis: undefined,
      sourceTimeoutMs: 2_000,
    });
  });

  it('keeps valid explicit values', () => {
    const source = () => 3;
    const extractUserId = () => 'x';
    expect(
      resolveModuleOptions({
        activeUsers: {
          windowMs: 60_000,
          maxTracked: 5,
          source,
          sourceTimeoutMs: 250,
          extractUserId,
        },
      }).activeUsers,
    ).toEqual({
      windowMs: 60_000,
      maxTracked: 5,
      extractUserId,
      source,
      redis: undefined,
      sourceTimeoutMs: 250,
    });
  });

  it('redis: the client and an optional key prefix; problems listed together', () => {
    const answer = () => Promise.resolve(0);
    const client = { pfadd: answer, pfcount: answer, pexpire: answer };
    expect(
      resolveModuleOptions({
        activeUsers: { redis: { client, keyPrefix: 'prs:au:svc' } },
      }).activeUsers.redis,
    ).toEqual({ client, keyPrefix: 'prs:au:svc' });
    expect(
      resolveModuleOptions({ activeUsers: { redis: { client } } }).activeUsers
        .redis,
    ).toEqual({ client, keyPrefix: undefined });
    expect(() =>
      resolveModuleOptions({
        activeUsers: {
          source: () => 1,
          redis: { client: { get() {} }, keyPrefix: 'a {b}', db: 2 },
        } as never,
      }),
    ).toThrow(
      'ObservabilityModule options validation error (4 problems):\n' +
        '  - activeUsers.redis.db: unknown option (known: client, keyPrefix)\n' +
        '  - activeUsers.redis.client: must be an ioredis client (with pfadd(), pfcount() and pexpire())\n' +
        '  - activeUsers.redis.keyPrefix: must be at most 200 characters without braces or spaces (got "a {b}")\n' +
        '  - activeUsers.redis: cannot be combined with activeUsers.source',
    );
    expect(() =>
      resolveModuleOptions({ activeUsers: { redis: {} } as never }),
    ).toThrow(
      "  - activeUsers.redis.client: is required (the app's ioredis client)",
    );
  });

  it('lists every problem as path: message', () => {
    expect(() =>
      resolveModuleOptions({
        activeUsers: {
          windowMs: 10,
          maxTracked: 0,
          extractUserId: 'user.id',
          source: 42,
          sourceTimeoutMs: 1.5,
          clock: 'fake',
        } as never,
      }),
    ).toThrow(
      'ObservabilityModule options validation error (6 problems):\n' +
        '  - activeUsers.clock: unknown option (known: windowMs, maxTracked, extractUserId, source, redis, sourceTimeoutMs)\n' +
        '  - activeUsers.windowMs: must be an integer from 1000 to 86400000 (got 10)\n' +
        '  - activeUsers.maxTracked: must be an integer from 1 to 1000000 (got 0)\n' +
        '  - activeUsers.extractUserId: must be a function (got "user.id")\n' +
        '  - activeUsers.source: must be a function (got 42)\n' +
        '  - activeUsers.sourceTimeoutMs: must be an integer from 1 to 60000 (got 1.5)',
    );
    expect(() => resolveModuleOptions({ activeUsers: [] as never })).toThrow(
      '  - activeUsers: must be an object',
    );
  });

  it('the default extractor reads request.user.id only', () => {
    expect(defaultExtractUserId({ user: { id: 'a' } })).toBe('a');
    expect(defaultExtractUserId({ user: { id: 3 } })).toBe(3);
    expect(
      defaultExtractUserId({ user: { id: { nested: 1 } } }),
    ).toBeUndefined();
    expect(defaultExtractUserId({ user: null })).toBeUndefined();
    expect(defaultExtractUserId(null)).toBeUndefined();
  });
});
