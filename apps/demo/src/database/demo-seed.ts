import type { PoolClient } from 'pg';
import { hashPassword } from '../auth/password-hasher';

/** Password of the seeded users (documented in docs/demo.md). */
export const DEMO_PASSWORD = 'prs-demo';

/** Seeded users: two sales reps and a manager (who may run commissions and delete deals). */
export const DEMO_USERS = [
  { id: 1, username: 'alice', role: 'sales' },
  { id: 2, username: 'bob', role: 'sales' },
  { id: 3, username: 'carol', role: 'manager' },
] as const;

const DEMO_DEALS = [
  [1, 'Acme Ltd', 'Annual platform license', 12500, 'USD', 1],
  [2, 'Globex', 'Support plan', 8000, 'EUR', 2],
] as const;

/**
 * Inserts the demo users and deals unless they exist. Sequences move past the fixed
 * ids only when this call inserted them, so a boot never rewinds a sequence another
 * running process is drawing from.
 */
export async function seed(client: PoolClient): Promise<number> {
  const hashes = await Promise.all(
    DEMO_USERS.map(() => hashPassword(DEMO_PASSWORD)),
  );
  const users = await client.query(
    `INSERT INTO prs_demo.users (id, username, password_hash, role) VALUES ${values(DEMO_USERS.length, 4)} ON CONFLICT DO NOTHING RETURNING id`,
    DEMO_USERS.flatMap((u, i) => [u.id, u.username, hashes[i], u.role]),
  );
  if (users.rowCount) await bumpSequence(client, 'users');
  const deals = await client.query(
    `INSERT INTO prs_demo.deals (id, client, title, amount, currency, owner_id) VALUES ${values(DEMO_DEALS.length, 6)} ON CONFLICT DO NOTHING RETURNING id`,
    DEMO_DEALS.flat(),
  );
  if (deals.rowCount) await bumpSequence(client, 'deals');
  return (users.rowCount ?? 0) + (deals.rowCount ?? 0);
}

async function bumpSequence(client: PoolClient, table: string): Promise<void> {
  await client.query(
    `SELECT setval(pg_get_serial_sequence('prs_demo.${table}', 'id'), (SELECT max(id) FROM prs_demo.${table}))`,
  );
}

/** `($1, $2), ($3, $4)` for `rows` rows of `width` parameters. */
function values(rows: number, width: number): string {
  return Array.from(
    { length: rows },
    (_, r) =>
      `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(', ')})`,
  ).join(', ');
}
