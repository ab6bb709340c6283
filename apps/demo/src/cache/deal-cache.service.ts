import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { Database } from '../database/database.service';
import type { Deal } from '../deals/deal.types';
import { REDIS } from './redis.constants';

/** `HIT` / `MISS`, or `OFF` when Redis is not connected (or `REDIS_URL=off`). */
export type CacheState = 'HIT' | 'MISS' | 'OFF';

const TTL_SECONDS = 60;

/**
 * Read-through cache of single deals in Redis (`GET /api/deals/:id`). A cache failure
 * never fails the request: it is read as a miss and the database answers.
 */
@Injectable()
export class DealCache {
  private readonly log = new Logger('Cache');
  private readonly prefix: string;
  private warnedAt = 0;

  constructor(
    @Inject(REDIS) private readonly redis: Redis | undefined,
    db: Database,
  ) {
    // Keys carry the database's id: two demo databases may share one Redis.
    this.prefix = `prs-demo:${db.info.instanceId}:deal:`;
  }

  /** Whether the cache is usable right now. */
  get enabled(): boolean {
    return this.redis?.status === 'ready';
  }

  async get(id: number): Promise<{ state: CacheState; deal?: Deal }> {
    if (!this.redis || !this.enabled) return { state: 'OFF' };
    try {
      const text = await this.redis.get(this.prefix + id);
      return text === null
        ? { state: 'MISS' }
        : { state: 'HIT', deal: JSON.parse(text) as Deal };
    } catch (error) {
      this.warn('read', error);
      return { state: 'MISS' };
    }
  }

  async set(deal: Deal): Promise<void> {
    if (!this.redis || !this.enabled) return;
    await this.redis
      .set(this.prefix + deal.id, JSON.stringify(deal), 'EX', TTL_SECONDS)
      .catch((error: unknown) => this.warn('write', error));
  }

  async invalidate(id: number): Promise<void> {
    if (!this.redis || !this.enabled) return;
    await this.redis
      .del(this.prefix + id)
      .catch((error: unknown) => this.warn('invalidate', error));
  }

  /** At most one warning every 30 s: a flapping Redis must not flood the log. */
  private warn(what: string, error: unknown): void {
    const now = Date.now();
    if (now - this.warnedAt < 30_000) return;
    this.warnedAt = now;
    const reason = error instanceof Error ? error.message : String(error);
    this.log.warn(`Cache ${what} failed (${reason}); using the database`);
  }
}
