import { Logger } from '@nestjs/common';
import { Client, Pool } from 'pg';
import { safeUrl } from '../config/demo-config';
import {
  type EmbeddedPostgres,
  startEmbeddedPostgres,
} from './embedded-postgres';

/** The pool the app uses, and where it points. */
export interface PostgresConnection {
  pool: Pool;
  mode: 'external' | 'embedded';
  /** Connection URL without its password. */
  url: string;
  embedded: EmbeddedPostgres | undefined;
}

const CONNECT_TIMEOUT_MS = 2_000;
const log = new Logger('Database');

/**
 * Connects to `databaseUrl` (one `SELECT 1` within 2 s); when that fails, starts the
 * embedded Postgres and says so in one line. Either way the app talks through `pg`.
 */
export async function connectPostgres(
  databaseUrl: string,
): Promise<PostgresConnection> {
  const failure = await probe(databaseUrl);
  if (failure === undefined) {
    return {
      pool: createPool(databaseUrl, 10),
      mode: 'external',
      url: safeUrl(databaseUrl),
      embedded: undefined,
    };
  }
  const started = Date.now();
  const embedded = await startEmbeddedPostgres();
  log.warn(
    `Postgres at ${safeUrl(databaseUrl)} is not reachable (${failure}); using embedded Postgres (PGlite, in memory: data is lost at exit) on ${embedded.url}, started in ${Date.now() - started} ms${embedded.fromSnapshot ? '' : ' (first start: initdb; later starts reuse a snapshot)'}`,
  );
  return {
    pool: createPool(embedded.url, 5),
    mode: 'embedded',
    url: embedded.url,
    embedded,
  };
}

/** Resolves `undefined` when the server answers `SELECT 1`, else the reason it did not. */
async function probe(url: string): Promise<string | undefined> {
  const client = new Client({
    connectionString: url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    query_timeout: CONNECT_TIMEOUT_MS,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return describe(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function createPool(url: string, max: number): Pool {
  const pool = new Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    query_timeout: 15_000,
    application_name: 'prs-demo',
  });
  // An idle connection the server drops must not crash the app; the next query reports it.
  pool.on('error', (error) =>
    log.warn(`Idle database connection failed: ${describe(error)}`),
  );
  return pool;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  // An AggregateError (one refusal per resolved address) has no message of its own.
  const text = error.message || (typeof code === 'string' ? code : error.name);
  return typeof code === 'string' && !text.includes(code)
    ? `${code}: ${text}`
    : text;
}
