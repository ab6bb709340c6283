import type { ActiveUsersRedisClient } from './redis-active-user-store';

/**
 * Counts active users somewhere else (for example users whose `last_login` is in the
 * last 30 minutes). Called in the background, never during a scrape; `signal` aborts
 * at `activeUsers.sourceTimeoutMs`, and a well-behaved source stops work then.
 */
export type ActiveUsersCountSource = (
  signal: AbortSignal,
) => number | PromiseLike<number>;

/** Reads the authenticated user's id from a request; `undefined` or `null` when anonymous. */
export type UserIdExtractor = (
  request: unknown,
) => string | number | null | undefined;

/**
 * Counts active users of every replica in Redis (`activeUsers.redis`): the app's own
 * ioredis client, HyperLogLog keys per `windowMs / 30` bucket. See docs/fleet.md.
 */
export interface RedisActiveUsersOptions {
  /** The app's ioredis client (`Redis` or `Cluster`); the SDK never connects or disconnects it. */
  client: ActiveUsersRedisClient;
  /**
   * Start of every key (written as a hash tag, `{<keyPrefix>}:<bucket>`). Replicas that
   * share it share one count.
   * @default `prs:active_users:<service.name>`
   */
  keyPrefix?: string;
}

/** Options of the `activeUsers` section of `ObservabilityModule.forRoot()`. */
export interface ActiveUsersOptions {
  /**
   * How long after their last request a user still counts as active.
   * @default 1_800_000 (30 minutes, as in the PRS guide)
   */
  windowMs?: number;
  /**
   * Most users tracked exactly. Past it the oldest are evicted and the count becomes
   * a HyperLogLog estimate (about 1.6% standard error) until the evicted ones would
   * have left the window anyway.
   * @default 10_000
   */
  maxTracked?: number;
  /**
   * How `ActiveUsers.touchRequest(request)` finds the user id.
   * @default (request) => request.user?.id
   */
  extractUserId?: UserIdExtractor;
  /**
   * Count active users with this function instead of the in-process tracker. The gauge
   * reports its last good value; each scrape starts one background refresh.
   * @default undefined (the in-process tracker fed by `ActiveUsers.touch()`)
   */
  source?: ActiveUsersCountSource;
  /**
   * Count the users of every replica in Redis instead of in this process: `touch()`
   * adds the user (hashed) to a shared HyperLogLog, the gauge reports the fleet's
   * count (0.81% standard error). Not together with `source`.
   * @default undefined (the in-process tracker)
   */
  redis?: RedisActiveUsersOptions;
  /**
   * Deadline of one `source` call or Redis command; a late answer is discarded and the last value kept.
   * @default 2_000
   */
  sourceTimeoutMs?: number;
}

/** {@link ActiveUsersOptions} after validation, with defaults applied. */
export interface ResolvedActiveUsersOptions {
  windowMs: number;
  maxTracked: number;
  extractUserId: UserIdExtractor;
  source: ActiveUsersCountSource | undefined;
  redis:
    | { client: ActiveUsersRedisClient; keyPrefix: string | undefined }
    | undefined;
  sourceTimeoutMs: number;
}
