import { DEFAULT_HEALTH_OPTIONS as D } from './health-defaults';
import type { PgPoolLike, RedisClientLike } from './health-targets.interface';
import { isRecord, type OptionChecks } from '../core/option-checks';
import type { HealthTargets as Targets } from './resolved-health-options';

/** Validates `health.postgres`, `health.redis` and `health.disk`. */
export function resolveDataStores(
  h: Record<string, unknown>,
  c: OptionChecks,
): Pick<Targets, 'postgres' | 'redis' | 'disk'> {
  return {
    postgres: postgres(h.postgres, c),
    redis: redis(h.redis, c),
    disk: disk(h.disk, c),
  };
}

function postgres(value: unknown, c: OptionChecks): Targets['postgres'] {
  const p = c.section(value, 'health.postgres', [
    'pool',
    'connectionString',
    'responseTimeThresholdMs',
    'slowQuerySeconds',
    'maxSlowQueries',
  ]);
  if (p === undefined) return undefined;
  if ((p.pool === undefined) === (p.connectionString === undefined)) {
    c.push(
      'health.postgres',
      'must have exactly one of { pool } or { connectionString }',
    );
  }
  const d = D.postgres;
  return {
    pool: c.client<PgPoolLike>(
      p.pool,
      'health.postgres.pool',
      'a pg Pool (an object with connect())',
      ['connect'],
    ),
    connectionString: c.optionalString(
      p.connectionString,
      'health.postgres.connectionString',
      true,
    ),
    responseTimeThresholdMs: c.integer(
      p.responseTimeThresholdMs,
      d.responseTimeThresholdMs,
      'health.postgres.responseTimeThresholdMs',
      1,
      60_000,
    ),
    slowQuerySeconds: c.integer(
      p.slowQuerySeconds,
      d.slowQuerySeconds,
      'health.postgres.slowQuerySeconds',
      1,
      86_400,
    ),
    maxSlowQueries: c.integer(
      p.maxSlowQueries,
      d.maxSlowQueries,
      'health.postgres.maxSlowQueries',
      1,
      100_000,
    ),
  };
}

function redis(value: unknown, c: OptionChecks): Targets['redis'] {
  const r = c.section(value, 'health.redis', [
    'client',
    'keyPrefix',
    'keyTtlSeconds',
    'responseTimeThresholdMs',
  ]);
  if (r === undefined) return undefined;
  const client =
    r.client === undefined
      ? (c.push(
          'health.redis.client',
          "is required (the app's ioredis client)",
        ),
        undefined)
      : c.client<RedisClientLike>(
          r.client,
          'health.redis.client',
          'an ioredis client (with set(), get() and info())',
          ['set', 'get', 'info'],
        );
  const d = D.redis;
  return {
    client: client as RedisClientLike,
    keyPrefix: c.string(r.keyPrefix, d.keyPrefix, 'health.redis.keyPrefix'),
    keyTtlSeconds: c.integer(
      r.keyTtlSeconds,
      d.keyTtlSeconds,
      'health.redis.keyTtlSeconds',
      1,
      86_400,
    ),
    responseTimeThresholdMs: c.integer(
      r.responseTimeThresholdMs,
      d.responseTimeThresholdMs,
      'health.redis.responseTimeThresholdMs',
      1,
      60_000,
    ),
  };
}

function disk(value: unknown, c: OptionChecks): Targets['disk'] {
  if (value === false) return undefined;
  if (value !== undefined && !isRecord(value)) {
    c.push('health.disk', 'must be an object or false');
    return undefined;
  }
  const k =
    c.section(value, 'health.disk', ['path', 'logPath', 'minFreePercent']) ??
    {};
  const absolute = (v: unknown, fallback: string | undefined, path: string) => {
    if (v === undefined) return fallback;
    if (typeof v === 'string' && v.startsWith('/')) return v;
    c.push(path, `must be an absolute path (got ${c.show(v)})`);
    return fallback;
  };
  const path = absolute(k.path, D.disk.path, 'health.disk.path') ?? D.disk.path;
  const logPath = absolute(k.logPath, undefined, 'health.disk.logPath');
  const min = k.minFreePercent ?? D.disk.minFreePercent;
  if (typeof min !== 'number' || !(min >= 0 && min <= 100)) {
    c.push(
      'health.disk.minFreePercent',
      `must be a number from 0 to 100 (got ${c.show(min)})`,
    );
  }
  return {
    path,
    logPath,
    minFreePercent: typeof min === 'number' ? min : D.disk.minFreePercent,
  };
}
