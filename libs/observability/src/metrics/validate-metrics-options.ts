import type { ConfigProblem } from '../core/observability-config.error';
import { isRecord, OptionChecks } from '../core/option-checks';
import type {
  HttpMetricsOptions,
  MetricsAuthOptions,
  MetricsOptions,
  ResolvedHttpMetricsOptions,
  ResolvedMetricsOptions,
} from './metrics-options.interface';

/** Defaults of the `metrics` and `http` sections; the README's option table mirrors them. */
export const DEFAULT_METRICS_OPTIONS = {
  enabled: true,
  prefix: 'prs',
  path: '/metrics',
  host: '127.0.0.1',
  seriesLimit: 1000,
  status: false,
  durationBuckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 2.5, 5, 10],
  excludePaths: [
    '/api/health',
    '/api/health/',
    '/health/ready',
    '/health/live',
  ],
} as const;

/**
 * OpenTelemetry's SDK folds attribute sets past 2,000 per metric into its own
 * `otel_metric_overflow` series; our budget must stay below it so ours is the one that applies.
 */
export const MAX_SERIES_LIMIT = 1999;

const METRICS_KEYS = [
  'enabled',
  'prefix',
  'path',
  'port',
  'host',
  'auth',
  'seriesLimit',
  'status',
];
const HTTP_KEYS = ['durationBuckets', 'excludePaths'];

/**
 * Validates the `metrics` and `http` sections, pushing every problem as `path: message`.
 * The result is only meaningful when no problem was pushed.
 */
export function resolveMetricsOptions(
  metricsInput: unknown,
  httpInput: unknown,
  problems: ConfigProblem[],
): { metrics: ResolvedMetricsOptions; http: ResolvedHttpMetricsOptions } {
  const c = new OptionChecks(problems);
  const metrics: MetricsOptions =
    c.section(metricsInput, 'metrics', METRICS_KEYS) ?? {};
  const http: HttpMetricsOptions =
    c.section(httpInput, 'http', HTTP_KEYS) ?? {};

  const d = DEFAULT_METRICS_OPTIONS;
  const enabled = c.boolean(
    metrics.enabled ?? d.enabled,
    d.enabled,
    'metrics.enabled',
  );

  const prefix = metrics.prefix ?? d.prefix;
  c.check(
    typeof prefix === 'string' && /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(prefix),
    'metrics.prefix',
    `must match /^[a-zA-Z_][a-zA-Z0-9_]*$/ (got ${c.show(prefix)})`,
  );
  // Kept as given even when invalid: the health paths are compared with it.
  const path = metrics.path ?? d.path;
  c.routePath(path, d.path, 'metrics.path');
  const port = c.integer(metrics.port, undefined, 'metrics.port', 0, 65535);
  const host = c.string(metrics.host ?? d.host, d.host, 'metrics.host');
  checkAuth(metrics.auth, c);
  const seriesLimit = c.integer(
    metrics.seriesLimit ?? d.seriesLimit,
    d.seriesLimit,
    'metrics.seriesLimit',
    1,
    MAX_SERIES_LIMIT,
  );

  const statusEnv = process.env.PRS_OBSERVABILITY_STATUS;
  c.check(
    statusEnv === undefined || statusEnv === 'true' || statusEnv === 'false',
    'PRS_OBSERVABILITY_STATUS',
    `must be true or false (got ${c.show(statusEnv)})`,
  );
  const status = c.boolean(
    metrics.status ??
      (statusEnv === undefined ? d.status : statusEnv === 'true'),
    d.status,
    'metrics.status',
  );

  const buckets = http.durationBuckets ?? [...d.durationBuckets];
  c.check(
    isIncreasingPositive(buckets),
    'http.durationBuckets',
    `must be a non-empty array of finite, positive, strictly increasing numbers of seconds (got ${c.show(buckets)})`,
  );
  const excludePaths = http.excludePaths ?? [...d.excludePaths];
  c.check(
    Array.isArray(excludePaths) &&
      excludePaths.every((p) => typeof p === 'string' && p.startsWith('/')),
    'http.excludePaths',
    `must be an array of paths starting with "/" (got ${c.show(excludePaths)})`,
  );

  return {
    metrics: {
      enabled,
      prefix,
      path,
      port,
      host,
      auth: metrics.auth,
      seriesLimit,
      status,
    },
    http: { durationBuckets: [...buckets], excludePaths: [...excludePaths] },
  };
}

/** `{ bearerToken }` or `{ username, password }`; credentials are never echoed. */
function checkAuth(
  auth: MetricsAuthOptions | undefined,
  c: OptionChecks,
): void {
  if (auth === undefined) return;
  if (!isRecord(auth)) {
    c.push('metrics.auth', 'must be { bearerToken } or { username, password }');
    return;
  }
  const hasBearer = 'bearerToken' in auth;
  const hasBasic = 'username' in auth || 'password' in auth;
  if (hasBearer === hasBasic) {
    c.push(
      'metrics.auth',
      'must be exactly one of { bearerToken } or { username, password }',
    );
    return;
  }
  const filled = (v: unknown): v is string => typeof v === 'string' && v !== '';
  if (hasBearer) {
    c.check(
      filled(auth.bearerToken),
      'metrics.auth.bearerToken',
      'must be a non-empty string',
    );
    return;
  }
  c.check(
    filled(auth.username) && !auth.username.includes(':'),
    'metrics.auth.username',
    'must be a non-empty string without ":"',
  );
  c.check(
    filled(auth.password),
    'metrics.auth.password',
    'must be a non-empty string',
  );
}

/** A non-empty array of finite, positive, strictly increasing numbers. */
function isIncreasingPositive(value: unknown): value is number[] {
  if (!Array.isArray(value) || value.length === 0) return false;
  let previous = 0;
  for (const n of value) {
    if (typeof n !== 'number' || !Number.isFinite(n) || n <= previous)
      return false;
    previous = n;
  }
  return true;
}
