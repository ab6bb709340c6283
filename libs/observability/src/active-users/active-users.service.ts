import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { RateLimitedLogger } from '../core/rate-limited-logger';
import { messages } from '../core/messages';
import { ActiveUsersMetrics } from '../metrics/instruments/active-users-metrics';
import { ActiveUserWindow } from './active-user-window';
import type {
  ResolvedActiveUsersOptions,
  UserIdExtractor,
} from './active-users-options.interface';
import {
  ACTIVE_USERS_CLOCK,
  ACTIVE_USERS_OPTIONS,
  MAX_USER_ID_LENGTH,
  type ActiveUsersClock,
} from './active-users.constants';
import { CachedCountSource } from './cached-count-source';
import {
  RedisActiveUserStore,
  type RedisWriteFailure,
} from './redis-active-user-store';
import { getRunningSdk } from '../sdk/running-sdk';

/** Past this many ids in its window, a cluster worker shares HyperLogLog registers instead. */
const MAX_SHARED_IDS = 10_000;

/**
 * Feeds `prs_active_users_total`: distinct authenticated users seen in the last
 * `activeUsers.windowMs`, or the configured `activeUsers.source`.
 *
 * Call {@link touch} (or {@link touchRequest}) once the user is known, typically in
 * the auth guard or the Passport strategy's `validate()`: only authenticated requests
 * pay (one Map update), it works on Express and Fastify, and for WebSocket or RPC
 * contexts too. A middleware would run before the guards that set `request.user`, and
 * a global interceptor would put RxJS on every request.
 *
 * With `activeUsers.redis`, `touch()` also adds the user to a HyperLogLog in Redis
 * shared by every replica, and the gauge reports that fleet-wide count (docs/fleet.md).
 *
 * Without a `source` or `redis`, the gauge appears once `touch()` has been called: an app that
 * never tracks users reports no value rather than a misleading 0.
 *
 * @example
 * ```ts
 * canActivate(context: ExecutionContext) {
 *   const request = context.switchToHttp().getRequest();
 *   ...authenticate...
 *   this.activeUsers.touchRequest(request);
 *   return true;
 * }
 * ```
 */
@Injectable()
export class ActiveUsers implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly window: ActiveUserWindow;
  private readonly extractUserId: UserIdExtractor;
  private readonly cached: CachedCountSource | undefined;
  private readonly store: RedisActiveUserStore | undefined;
  private readonly log = new RateLimitedLogger();
  private touched = false;

  constructor(
    private readonly metrics: ActiveUsersMetrics,
    @Inject(ACTIVE_USERS_OPTIONS) options: ResolvedActiveUsersOptions,
    @Inject(ACTIVE_USERS_CLOCK) clock: ActiveUsersClock,
  ) {
    const { windowMs, maxTracked, extractUserId, redis, sourceTimeoutMs } =
      options;
    this.window = new ActiveUserWindow(windowMs, maxTracked, clock);
    this.extractUserId = extractUserId;
    this.store =
      redis &&
      new RedisActiveUserStore({
        client: redis.client,
        keyPrefix: redis.keyPrefix ?? defaultKeyPrefix(),
        windowMs,
        timeoutMs: sourceTimeoutMs,
        onWriteFailure: (reason, error) => this.redisWriteFailed(reason, error),
      });
    const store = this.store;
    const source = store ? () => store.count() : options.source;
    this.cached =
      source &&
      new CachedCountSource(source, sourceTimeoutMs, (reason, error) =>
        this.log.warn(
          `active-users:source:${reason}`,
          messages.activeUsersSourceFailed(
            reason,
            sourceTimeoutMs,
            store ? 'Counting active users in Redis (PFCOUNT)' : undefined,
          ),
          error,
        ),
      );
    // In the constructor, so an app's own `setActiveUsersSource()` in a hook wins.
    metrics.setSource(() => this.report());
    // A `source` is shared already; the in-process window merges across cluster workers.
    if (!this.cached)
      metrics.setSharer(() =>
        this.touched ? this.window.share(MAX_SHARED_IDS) : undefined,
      );
  }

  /** Marks `userId` active now; empty, `null` and `undefined` ids are ignored. Never throws. */
  touch(userId: string | number | null | undefined): void {
    try {
      if (userId === null || userId === undefined) return;
      const id = String(userId);
      if (id === '') return;
      const cut =
        id.length > MAX_USER_ID_LENGTH ? id.slice(0, MAX_USER_ID_LENGTH) : id;
      this.window.touch(cut);
      this.store?.add(cut);
      this.touched = true;
    } catch (error) {
      this.log.warn(
        'active-users:touch',
        messages.activeUsersTouchFailed(),
        error,
      );
    }
  }

  /** Marks the user of `request` active, found with `activeUsers.extractUserId`. Never throws. */
  touchRequest(request: unknown): void {
    let id: string | number | null | undefined;
    try {
      id = this.extractUserId(request);
    } catch (error) {
      this.log.warn(
        'active-users:extract',
        messages.activeUsersTouchFailed(),
        error,
      );
      return;
    }
    this.touch(id);
  }

  /** Distinct users touched in the window ending now (the in-process tracker, not `source`). */
  count(): number {
    return this.window.count();
  }

  /** Starts the first `source` refresh, so the first scrape already has a value. */
  onApplicationBootstrap(): void {
    this.cached?.refresh();
  }

  /** Sends the users still buffered for Redis (bounded by `sourceTimeoutMs`). */
  async onModuleDestroy(): Promise<void> {
    this.metrics.setSource(undefined);
    await this.store?.close();
    this.metrics.setSharer(undefined);
  }

  // Runs inside the gauge callback: it must neither throw nor wait.
  private report(): number | undefined {
    try {
      if (this.cached) return this.cached.read();
      return this.touched ? this.window.count() : undefined;
    } catch (error) {
      this.log.warn(
        'active-users:report',
        messages.activeUsersSourceFailed('failed', 0),
        error,
      );
      return undefined;
    }
  }

  private redisWriteFailed(reason: RedisWriteFailure, error: unknown): void {
    const stats = getRunningSdk()?.stats;
    if (stats) stats.activeUsersWriteFailures++;
    this.log.warn(
      `active-users:redis:${reason}`,
      messages.activeUsersRedisWriteFailed(reason),
      error,
    );
  }
}

/** `prs:active_users:<service.name>`: replicas of one service share a count. */
function defaultKeyPrefix(): string {
  const service =
    getRunningSdk()?.options.serviceName ??
    process.env.OTEL_SERVICE_NAME ??
    'unknown_service:node';
  return `prs:active_users:${service.replace(/[{}\s]/g, '_')}`;
}
