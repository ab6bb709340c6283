import { OptionChecks } from '../core/option-checks';
import { ObservabilityConfigError } from '../core/observability-config.error';
import type { MetricsAuthOptions } from '../metrics/metrics-options.interface';

/** Options of {@link startClusterMetrics}; see docs/cluster.md. */
export interface ClusterMetricsOptions {
  /**
   * Port on which the primary serves the group's `/metrics` (`0`: any free port).
   * Without it the primary serves no port, and workers answer `/metrics` on the app port
   * for the whole group.
   */
  port?: number;
  /** Interface of that port. @default '127.0.0.1' */
  host?: string;
  /** Path of the metrics endpoint. @default '/metrics' */
  path?: string;
  /** Credentials scrapers must send to the primary's port (workers check their own `metrics.auth`). */
  auth?: MetricsAuthOptions;
  /** How long one scrape waits for workers; a worker slower than this is served from its last snapshot. @default 1000 */
  collectTimeoutMs?: number;
  /** How often each worker sends a snapshot unasked: the most a SIGKILLed worker's counts can lag. @default 5000 */
  pushIntervalMs?: number;
  /** Per-worker series (label `worker`) instead of the group's sums. @default false */
  workerLabel?: boolean;
  /** The workers' `metrics.prefix`, to find the metrics merged by rule. @default 'prs' */
  prefix?: string;
}

/** Options with every default applied. */
export interface ResolvedClusterMetricsOptions extends Required<
  Omit<ClusterMetricsOptions, 'port' | 'auth'>
> {
  port: number | undefined;
  auth: MetricsAuthOptions | undefined;
}

const KNOWN = [
  'port',
  'host',
  'path',
  'auth',
  'collectTimeoutMs',
  'pushIntervalMs',
  'workerLabel',
  'prefix',
] as const;

/** Validates `options`; throws one {@link ObservabilityConfigError} listing every problem. */
export function resolveClusterMetricsOptions(
  options: unknown,
): ResolvedClusterMetricsOptions {
  const c = new OptionChecks([]);
  const o = c.section(options ?? {}, 'cluster', KNOWN) ?? {};
  const resolved: ResolvedClusterMetricsOptions = {
    port: c.integer(o.port, undefined, 'cluster.port', 0, 65_535),
    host: c.string(o.host, '127.0.0.1', 'cluster.host'),
    path: c.routePath(o.path, '/metrics', 'cluster.path'),
    auth: authOf(c, o.auth),
    collectTimeoutMs: c.integer(
      o.collectTimeoutMs,
      1_000,
      'cluster.collectTimeoutMs',
      10,
      60_000,
    ),
    pushIntervalMs: c.integer(
      o.pushIntervalMs,
      5_000,
      'cluster.pushIntervalMs',
      100,
      3_600_000,
    ),
    workerLabel: c.boolean(o.workerLabel, false, 'cluster.workerLabel'),
    prefix: c.string(o.prefix, 'prs', 'cluster.prefix'),
  };
  c.check(
    /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(resolved.prefix),
    'cluster.prefix',
    `must match /^[a-zA-Z_][a-zA-Z0-9_]*$/ (got ${c.show(resolved.prefix)})`,
  );
  if (c.problems.length > 0)
    throw new ObservabilityConfigError('startClusterMetrics', c.problems);
  return resolved;
}

function authOf(
  c: OptionChecks,
  auth: unknown,
): MetricsAuthOptions | undefined {
  const a = c.section(auth, 'cluster.auth', [
    'bearerToken',
    'username',
    'password',
  ]);
  if (a === undefined) return undefined;
  if ('bearerToken' in a) {
    const bearerToken = c.string(
      a.bearerToken,
      '',
      'cluster.auth.bearerToken',
      true,
    );
    c.check(
      !('username' in a) && !('password' in a),
      'cluster.auth',
      'set either bearerToken or username and password, not both',
    );
    return { bearerToken };
  }
  return {
    username: c.string(a.username, '', 'cluster.auth.username'),
    password: c.string(a.password, '', 'cluster.auth.password', true),
  };
}
