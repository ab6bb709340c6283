import type { Pool } from 'pg';
import { seed } from './demo-seed';
import { SCHEMA_SQL } from './schema.sql';

/** Any fixed 64-bit key; every demo process that migrates takes this lock first. */
const MIGRATION_LOCK = 7_210_446_031;

/** What a boot found or created. */
export interface MigrationResult {
  /** Random id of this database, made once; namespaces the Redis cache keys. */
  instanceId: string;
  /** Seed rows this boot inserted (0 when another boot already did). */
  seeded: number;
}

/**
 * Creates the schema and seeds it, in one transaction under an advisory lock, so
 * several processes booting at once against one database neither race on
 * `CREATE ... IF NOT EXISTS` nor see a half-made schema. The lock wait is bounded.
 */
export async function migrate(pool: Pool): Promise<MigrationResult> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query("SET LOCAL lock_timeout = '30s'");
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(SCHEMA_SQL);
    const seeded = await seed(client);
    const { rows } = await client.query<{ value: string }>(
      "SELECT value FROM prs_demo.meta WHERE key = 'instance_id'",
    );
    await client.query('COMMIT');
    return { instanceId: rows[0]?.value ?? 'unknown', seeded };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
