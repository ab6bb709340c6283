/** Stages a deal moves through. */
export const DEAL_STAGES = ['open', 'won', 'lost'] as const;
export type DealStage = (typeof DEAL_STAGES)[number];

/** A deal as the API returns it (amounts in major units, 2 decimals). */
export interface Deal {
  id: number;
  client: string;
  title: string;
  amount: number;
  currency: string;
  paid_amount: number;
  outstanding: number;
  stage: DealStage;
  owner_id: number;
  created_at: string;
  updated_at: string;
}

/** A `prs_demo.deals` row as `pg` returns it (numerics as strings). */
export interface DealRow {
  id: number;
  client: string;
  title: string;
  amount: string;
  currency: string;
  paid_amount: string;
  stage: DealStage;
  owner_id: number;
  created_at: Date;
  updated_at: Date;
}

/** The API shape of a row. */
export function toDeal(row: DealRow): Deal {
  const amount = Number(row.amount);
  const paid = Number(row.paid_amount);
  return {
    id: row.id,
    client: row.client,
    title: row.title,
    amount,
    currency: row.currency,
    paid_amount: paid,
    outstanding: Math.round((amount - paid) * 100) / 100,
    stage: row.stage,
    owner_id: row.owner_id,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
