import { type OnApplicationShutdown } from '@nestjs/common';
import type { Pool, PoolClient, QueryResultRow } from 'pg';
import type { PostgresConnection } from './postgres-connection';

/** What the startup banner and the cache need to know about the database. */
export interface DatabaseInfo {
  mode: 'external' | 'embedded';
  url: string;
  instanceId: string;
}

/** The app's `pg` pool, with a transaction helper. Created by `DatabaseModule`. */
export class Database implements OnApplicationShutdown {
  readonly pool: Pool;
  readonly info: DatabaseInfo;

  constructor(
    private readonly connection: PostgresConnection,
    instanceId: string,
  ) {
    this.pool = connection.pool;
    this.info = { mode: connection.mode, url: connection.url, instanceId };
  }

  /** Runs one statement on the pool and returns its rows. */
  async query<T extends QueryResultRow>(
    text: string,
    values: unknown[] = [],
  ): Promise<T[]> {
    return (await this.pool.query<T>(text, values)).rows;
  }

  /**
   * Runs `work` in one transaction on one connection: committed when it resolves,
   * rolled back when it throws (the error is rethrown as is).
   */
  async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end().catch(() => undefined);
    await this.connection.embedded?.stop().catch(() => undefined);
  }
}
