import type { ConfigProblem } from '../core/observability-config.error';
import { OptionChecks } from '../core/option-checks';
import type { ResolvedActiveUsersOptions } from './active-users-options.interface';
import type { ActiveUsersRedisClient } from './redis-active-user-store';
import {
  DEFAULT_ACTIVE_USERS_OPTIONS as D,
  defaultExtractUserId,
} from './active-users.constants';

const KNOWN = [
  'windowMs',
  'maxTracked',
  'extractUserId',
  'source',
  'redis',
  'sourceTimeoutMs',
];

/** Upper bounds: a day-long window, a million exactly tracked ids, a minute-long source call. */
const LIMITS = {
  windowMs: 86_400_000,
  maxTracked: 1_000_000,
  sourceTimeoutMs: 60_000,
};

/**
 * Validates the `activeUsers` section, pushing `activeUsers.*` problems onto
 * `problems`, and returns it with defaults applied.
 */
export function resolveActiveUsersOptions(
  input: unknown,
  problems: ConfigProblem[],
): ResolvedActiveUsersOptions {
  const c = new OptionChecks(problems);
  const o = c.section(input, 'activeUsers', KNOWN) ?? {};
  const integer = (key: keyof typeof LIMITS, min: number): number =>
    c.integer(o[key] ?? D[key], D[key], `activeUsers.${key}`, min, LIMITS[key]);
  const fn = (key: string): unknown => {
    const value = o[key];
    if (value === undefined || typeof value === 'function') return value;
    c.push(`activeUsers.${key}`, `must be a function (got ${c.show(value)})`);
    return undefined;
  };
  const windowMs = integer('windowMs', 1_000);
  const maxTracked = integer('maxTracked', 1);
  const extractUserId = fn('extractUserId') ?? defaultExtractUserId;
  const source = fn('source');
  const redis = resolveRedis(o.redis, c);
  if (source !== undefined && o.redis !== undefined)
    c.push('activeUsers.redis', 'cannot be combined with activeUsers.source');
  return {
    windowMs,
    maxTracked,
    extractUserId: extractUserId as ResolvedActiveUsersOptions['extractUserId'],
    source: source as ResolvedActiveUsersOptions['source'],
    redis,
    sourceTimeoutMs: integer('sourceTimeoutMs', 1),
  };
}

/** `activeUsers.redis`: `{ client, keyPrefix? }`. */
function resolveRedis(
  value: unknown,
  c: OptionChecks,
): ResolvedActiveUsersOptions['redis'] {
  const r = c.section(value, 'activeUsers.redis', ['client', 'keyPrefix']);
  if (r === undefined) return undefined;
  const client =
    r.client === undefined
      ? (c.push(
          'activeUsers.redis.client',
          "is required (the app's ioredis client)",
        ),
        undefined)
      : c.client<ActiveUsersRedisClient>(
          r.client,
          'activeUsers.redis.client',
          'an ioredis client (with pfadd(), pfcount() and pexpire())',
          ['pfadd', 'pfcount', 'pexpire'],
        );
  const keyPrefix = c.optionalString(
    r.keyPrefix,
    'activeUsers.redis.keyPrefix',
  );
  if (keyPrefix !== undefined)
    c.check(
      keyPrefix.length <= 200 && !/[{}\s]/.test(keyPrefix),
      'activeUsers.redis.keyPrefix',
      `must be at most 200 characters without braces or spaces (got ${c.show(keyPrefix)})`,
    );
  return client && { client, keyPrefix };
}
