import {
  ConflictException,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { TrackBusinessEvent } from '@prs/nestjs-observability';
import type { AuthUser } from '../auth/auth.types';
import { type CacheState, DealCache } from '../cache/deal-cache.service';
import { Database } from '../database/database.service';
import type { Deal } from './deal.types';
import { parseDealChanges, parseNewDeal } from './deal.validation';
import { DealsRepository } from './deals.repository';

@Injectable()
export class DealsService {
  constructor(
    private readonly deals: DealsRepository,
    private readonly cache: DealCache,
    private readonly db: Database,
  ) {}

  /** Read-through: Redis first, then Postgres (and fill the cache). */
  async get(id: number): Promise<{ deal: Deal; cache: CacheState }> {
    const cached = await this.cache.get(id);
    if (cached.deal) return { deal: cached.deal, cache: cached.state };
    const deal = await this.deals.findById(id);
    if (!deal) throw new NotFoundException(`Deal ${id} not found`);
    await this.cache.set(deal);
    return { deal, cache: cached.state };
  }

  list(limit: number, offset: number): Promise<Deal[]> {
    return this.deals.list(limit, offset);
  }

  /** A `deal_creation` event: success when stored, failure when invalid. */
  @TrackBusinessEvent('deal_creation')
  async create(body: unknown, owner: AuthUser): Promise<Deal> {
    return this.deals.insert(parseNewDeal(body), owner.id);
  }

  /** 422 when the new amount is below what was already paid. */
  async update(id: number, body: unknown): Promise<Deal> {
    const changes = parseDealChanges(body);
    const deal = await this.db.transaction(async (client) => {
      const current = await this.deals.lock(client, id);
      if (!current) throw new NotFoundException(`Deal ${id} not found`);
      if (changes.amount !== undefined && changes.amount < current.paid_amount)
        throw new UnprocessableEntityException(
          `Amount ${changes.amount} is below the ${current.paid_amount} already paid`,
        );
      return this.deals.update(client, id, changes);
    });
    await this.cache.invalidate(id);
    return deal;
  }

  /** 409 when payments reference the deal: payment history is never deleted. */
  async remove(id: number): Promise<void> {
    await this.db.transaction(async (client) => {
      if (!(await this.deals.lock(client, id)))
        throw new NotFoundException(`Deal ${id} not found`);
      if ((await this.deals.countPayments(client, id)) > 0)
        throw new ConflictException(
          `Deal ${id} has payments and cannot be deleted`,
        );
      await this.deals.delete(client, id);
    });
    await this.cache.invalidate(id);
  }
}
