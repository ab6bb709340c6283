import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { Database } from '../database/database.service';
import { type Deal, type DealRow, type DealStage, toDeal } from './deal.types';

/** Fields of a new deal. */
export interface NewDeal {
  client: string;
  title: string;
  amount: number;
  currency: string;
}

/** Fields a PATCH may change. */
export type DealChanges = Partial<NewDeal & { stage: DealStage }>;

const COLUMNS =
  'id, client, title, amount, currency, paid_amount, stage, owner_id, created_at, updated_at';

@Injectable()
export class DealsRepository {
  constructor(private readonly db: Database) {}

  async findById(id: number): Promise<Deal | undefined> {
    const rows = await this.db.query<DealRow>(
      `SELECT ${COLUMNS} FROM prs_demo.deals WHERE id = $1`,
      [id],
    );
    return rows[0] && toDeal(rows[0]);
  }

  async list(limit: number, offset: number): Promise<Deal[]> {
    const rows = await this.db.query<DealRow>(
      `SELECT ${COLUMNS} FROM prs_demo.deals ORDER BY id DESC LIMIT $1 OFFSET $2`,
      [limit, offset],
    );
    return rows.map(toDeal);
  }

  async insert(deal: NewDeal, ownerId: number): Promise<Deal> {
    const rows = await this.db.query<DealRow>(
      `INSERT INTO prs_demo.deals (client, title, amount, currency, owner_id)
       VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
      [deal.client, deal.title, deal.amount, deal.currency, ownerId],
    );
    return toDeal(rows[0] as DealRow);
  }

  /** The deal, locked until the transaction of `client` ends. */
  async lock(client: PoolClient, id: number): Promise<Deal | undefined> {
    const { rows } = await client.query<DealRow>(
      `SELECT ${COLUMNS} FROM prs_demo.deals WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return rows[0] && toDeal(rows[0]);
  }

  async update(
    client: PoolClient,
    id: number,
    changes: DealChanges,
  ): Promise<Deal> {
    const entries = Object.entries(changes);
    const set = entries.map(([column], i) => `${column} = $${i + 2}`);
    const { rows } = await client.query<DealRow>(
      `UPDATE prs_demo.deals SET ${set.join(', ')}, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, ...entries.map(([, value]) => value)],
    );
    return toDeal(rows[0] as DealRow);
  }

  async countPayments(client: PoolClient, id: number): Promise<number> {
    const { rows } = await client.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM prs_demo.payments WHERE deal_id = $1',
      [id],
    );
    return rows[0]?.n ?? 0;
  }

  async delete(client: PoolClient, id: number): Promise<void> {
    await client.query('DELETE FROM prs_demo.deals WHERE id = $1', [id]);
  }
}
