import { createHash } from 'node:crypto';
import { SLICES_PER_WINDOW } from './sliding-distinct-sketch';

/** What the Redis active-users store needs from an ioredis client (`Redis` or `Cluster`). */
export interface ActiveUsersRedisClient {
  /** ioredis connection status; commands are only sent while it is `ready` (when present). */
  readonly status?: string;
  pfadd(key: string, ...elements: string[]): Promise<number>;
  pexpire(key: string, milliseconds: number): Promise<number>;
  pfcount(...keys: string[]): Promise<number>;
}

/** Ids buffered between two flushes; one PFADD per bucket per flush. */
export const REDIS_FLUSH_INTERVAL_MS = 1_000;
/** Past this many buffered ids a flush starts at once; past twice it, new ids are dropped. */
export const REDIS_MAX_BATCH = 1_000;

/** Why a Redis write did not happen. */
export type RedisWriteFailure = 'failed' | 'timeout' | 'not-ready' | 'dropped';

/** Settings of {@link RedisActiveUserStore}. */
export interface RedisActiveUserStoreSettings {
  client: ActiveUsersRedisClient;
  /** Keys are `{<keyPrefix>}:<bucket>` (one hash tag: a Redis Cluster keeps them on one slot). */
  keyPrefix: string;
  windowMs: number;
  /** Deadline of one Redis command. */
  timeoutMs: number;
  /** Wall-clock milliseconds: every replica must cut the same buckets. */
  now?: () => number;
  onWriteFailure: (reason: RedisWriteFailure, error?: unknown) => void;
}

/**
 * Distinct users of a whole fleet in Redis: one HyperLogLog key per `windowMs / 30`
 * bucket of wall-clock time. Ids are hashed (SHA-256, 16 hex digits) and buffered;
 * once a second (or every {@link REDIS_MAX_BATCH} ids) each bucket's ids go out in one
 * `PFADD` followed by a `PEXPIRE` of `windowMs` plus two buckets. {@link count} is one
 * `PFCOUNT` over the 31 keys that cover the window (Redis merges them: the union's
 * estimate, 0.81% standard error), so a user counts for 30 to 31 buckets after their
 * last request. Every command has a deadline; a failure drops that batch and is reported,
 * never thrown.
 */
export class RedisActiveUserStore {
  private readonly bucketMs: number;
  private readonly now: () => number;
  private pending = new Map<number, Set<string>>();
  private pendingCount = 0;
  private flushing: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly settings: RedisActiveUserStoreSettings) {
    this.bucketMs = Math.max(
      1,
      Math.floor(settings.windowMs / SLICES_PER_WINDOW),
    );
    this.now = settings.now ?? Date.now;
    this.timer = setInterval(() => void this.flush(), REDIS_FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  /** Buffers `userId` (hashed) for the next flush. Never throws, never waits. */
  add(userId: string): void {
    if (this.pendingCount >= 2 * REDIS_MAX_BATCH) {
      this.settings.onWriteFailure('dropped');
      return;
    }
    const bucket = Math.floor(this.now() / this.bucketMs);
    let ids = this.pending.get(bucket);
    if (ids === undefined) this.pending.set(bucket, (ids = new Set()));
    const before = ids.size;
    ids.add(hashUserId(userId));
    if (ids.size > before) this.pendingCount++;
    if (this.pendingCount >= REDIS_MAX_BATCH) void this.flush();
  }

  /** Estimated distinct users in the window ending now: one PFCOUNT over its buckets. */
  count(): Promise<number> {
    const last = Math.floor(this.now() / this.bucketMs);
    const keys: string[] = [];
    for (let b = last - SLICES_PER_WINDOW; b <= last; b++)
      keys.push(this.key(b));
    if (!this.ready()) return Promise.reject(new Error('Redis is not ready'));
    return this.settings.client.pfcount(...keys);
  }

  /** Sends what is buffered; at most one flush runs at a time. Never rejects. */
  flush(): Promise<void> {
    if (this.flushing !== undefined || this.pendingCount === 0)
      return this.flushing ?? Promise.resolve();
    const batch = this.pending;
    this.pending = new Map();
    this.pendingCount = 0;
    this.flushing = this.send(batch).finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  /** Stops the timer and sends what is buffered (bounded by the command deadline). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flushing;
    await this.flush();
  }

  private async send(batch: Map<number, Set<string>>): Promise<void> {
    if (!this.ready()) {
      this.settings.onWriteFailure('not-ready');
      return;
    }
    const { client, windowMs } = this.settings;
    for (const [bucket, ids] of batch) {
      const key = this.key(bucket);
      try {
        await this.deadline(client.pfadd(key, ...ids));
        await this.deadline(client.pexpire(key, windowMs + 2 * this.bucketMs));
      } catch (error) {
        this.settings.onWriteFailure(
          error instanceof DeadlineError ? 'timeout' : 'failed',
          error,
        );
        return;
      }
    }
  }

  private key(bucket: number): string {
    return `{${this.settings.keyPrefix}}:${bucket}`;
  }

  private ready(): boolean {
    const { status } = this.settings.client;
    return status === undefined || status === 'ready';
  }

  private deadline<T>(command: Promise<T>): Promise<T> {
    const { timeoutMs } = this.settings;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new DeadlineError(`no answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
      timer.unref();
    });
    command.catch(() => undefined); // a late rejection is not unhandled
    return Promise.race([command, late]).finally(() => clearTimeout(timer));
  }
}

class DeadlineError extends Error {}

/**
 * What goes to Redis instead of a user id: SHA-256, first 64 bits in hex. Unsalted on
 * purpose: every replica must turn one user into the same element, so a salt would be
 * one more shared secret; Redis keeps only HyperLogLog registers, never the elements,
 * and the hash keeps raw ids out of MONITOR, SLOWLOG and network captures.
 */
export function hashUserId(userId: string): string {
  return createHash('sha256').update(userId).digest('hex').slice(0, 16);
}
