import { performance } from 'node:perf_hooks';
import type { ProbeResult } from '../check-outcome';
import type { PgPoolClientLike, PgPoolLike } from '../health-targets.interface';
import { loadOptionalPeer } from '../optional-peer';
import type { ResolvedHealthOptions } from '../resolved-health-options';
import { seconds } from './round';

type PostgresConfig = NonNullable<ResolvedHealthOptions['postgres']>;
type OwnedPool = PgPoolLike & {
  end(): Promise<void>;
  on(event: 'error', listener: () => void): unknown;
};

const STATS_SQL =
  "SELECT count(*) FILTER (WHERE state = 'active' AND query_start < now() - make_interval(secs => $1))::int AS slow_queries, " +
  "count(*) FILTER (WHERE backend_type = 'client backend')::int AS connections FROM pg_stat_activity";

/**
 * `SELECT 1` round trip, queries active longer than `slowQuerySeconds`, and client
 * connections, on the app's pool (or a one-connection pool of its own). On timeout the
 * checked-out connection is destroyed, which ends a hung query.
 */
export class PostgresProbe {
  private owned: OwnedPool | undefined;

  constructor(
    private readonly config: PostgresConfig,
    private readonly timeoutMs: number,
  ) {}

  async run(signal: AbortSignal): Promise<ProbeResult> {
    const pool = this.config.pool ?? (await this.ownPool());
    const client = await pool.connect();
    let released = false;
    const release = (destroy: boolean) => {
      if (released) return;
      released = true;
      client.release(destroy);
    };
    if (signal.aborted) {
      // Connected only after the check timed out: the connection is fine, hand it back.
      release(false);
      throw new Error('aborted');
    }
    const onAbort = () => release(true);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await this.measure(client);
    } catch (error) {
      release(true);
      throw error;
    } finally {
      signal.removeEventListener('abort', onAbort);
      release(false);
    }
  }

  /** Ends the probe's own pool, if it made one. */
  async close(): Promise<void> {
    const owned = this.owned;
    this.owned = undefined;
    await owned?.end().catch(() => undefined);
  }

  private async measure(client: PgPoolClientLike): Promise<ProbeResult> {
    const { responseTimeThresholdMs, slowQuerySeconds, maxSlowQueries } =
      this.config;
    const start = performance.now();
    await client.query({ text: 'SELECT 1' });
    const elapsedMs = performance.now() - start;
    const { rows } = await client.query({
      text: STATS_SQL,
      values: [slowQuerySeconds],
    });
    const row = (rows[0] ?? {}) as {
      slow_queries?: unknown;
      connections?: unknown;
    };
    const slow = Number(row.slow_queries ?? 0);
    const connections = Number(row.connections ?? 0);
    const problems: string[] = [];
    if (elapsedMs >= responseTimeThresholdMs) {
      problems.push(
        `response time ${Math.round(elapsedMs)} ms is not below ${responseTimeThresholdMs} ms`,
      );
    }
    if (slow >= maxSlowQueries) {
      problems.push(
        `${slow} queries active for more than ${slowQuerySeconds} s (limit ${maxSlowQueries})`,
      );
    }
    const healthy = problems.length === 0;
    return {
      healthy,
      ...(healthy ? {} : { slow: true }),
      data: {
        response_time: seconds(elapsedMs),
        slow_queries: slow,
        connections,
        ...(healthy ? {} : { error: problems.join('; ') }),
        details: healthy ? 'Database connectivity OK' : 'Database is slow',
      },
    };
  }

  private async ownPool(): Promise<PgPoolLike> {
    if (this.owned) return this.owned;
    const pg = await loadOptionalPeer<{
      Pool: new (config: object) => OwnedPool;
    }>('pg');
    const pool = new pg.Pool({
      connectionString: this.config.connectionString,
      max: 1,
      connectionTimeoutMillis: this.timeoutMs,
      idleTimeoutMillis: 30_000,
      allowExitOnIdle: true,
      application_name: 'prs-health-check',
    });
    // An idle connection dropped by the server must not crash the app; the next check reports it.
    pool.on('error', () => undefined);
    return (this.owned = pool);
  }
}
