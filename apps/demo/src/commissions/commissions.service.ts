import { Injectable } from '@nestjs/common';
import { TrackBusinessEvent } from '@prs/nestjs-observability';
import { Database } from '../database/database.service';
import { parseCommissionRun } from './commission.validation';

/** Commissions of one period, per sales owner. */
export interface CommissionReport {
  period: string;
  rate: number;
  commissions: { user_id: number; sales: number; amount: number }[];
  total: number;
}

// One statement: recalculating a period replaces its rows (idempotent, concurrent-safe).
const CALCULATE_SQL = `
INSERT INTO prs_demo.commissions (period, user_id, rate, sales, amount)
SELECT $1, d.owner_id, $2::numeric, sum(p.amount), round(sum(p.amount) * $2::numeric, 2)
FROM prs_demo.payments p JOIN prs_demo.deals d ON d.id = p.deal_id
WHERE p.created_at >= $3 AND p.created_at < $4
GROUP BY d.owner_id
ON CONFLICT (period, user_id) DO UPDATE
SET rate = EXCLUDED.rate, sales = EXCLUDED.sales, amount = EXCLUDED.amount, calculated_at = now()
RETURNING user_id, sales, amount`;

@Injectable()
export class CommissionsService {
  constructor(private readonly db: Database) {}

  /** A `commission_calculation` event: success when stored, failure when refused. */
  @TrackBusinessEvent('commission_calculation')
  async calculate(body: unknown): Promise<CommissionReport> {
    const run = parseCommissionRun(body);
    const rows = await this.db.query<{
      user_id: number;
      sales: string;
      amount: string;
    }>(CALCULATE_SQL, [run.period, run.rate, run.from, run.to]);
    const commissions = rows
      .map((r) => ({
        user_id: r.user_id,
        sales: Number(r.sales),
        amount: Number(r.amount),
      }))
      .sort((a, b) => a.user_id - b.user_id);
    const cents = commissions.reduce(
      (sum, c) => sum + Math.round(c.amount * 100),
      0,
    );
    return {
      period: run.period,
      rate: run.rate,
      commissions,
      total: cents / 100,
    };
  }
}
