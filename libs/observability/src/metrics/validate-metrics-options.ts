import type { ConfigProblem } from '../core/observability-config.error';
import { isRecord, show } from '../core/option-checks';
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
  const metrics: MetricsOptions = isRecord(metricsInput) ? metricsInput : {};
  const http: HttpMetricsOptions = isRecord(httpInput) ? httpInput : {};
  if (metricsInput !== undefined && !isRecord(metricsInput)) {
    problems.push({ path: 'metrics', message: 'must be an object' });
  } else checkKnownKeys(metrics, 'metrics', METRICS_KEYS, problems);
  if (httpInput !== undefined && !isRecord(httpInput)) {
    problems.push({ path: 'http', message: 'must be an object' });
  } else checkKnownKeys(http, 'http', HTTP_KEYS, problems);

  const d = DEFAULT_METRICS_OPTIONS;
  const enabled = metrics.enabled ?? d.enabled;
  if (typeof enabled !== 'boolean')
    problems.push({ path: 'metrics.enabled', message: 'must be a boolean' });

  const prefix = metrics.prefix ?? d.prefix;
  if (typeof prefix !== 'string' || !/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(prefix)) {
    problems.push({
      path: 'metrics.prefix',
      message: `must match /^[a-zA-Z_][a-zA-Z0-9_]*$/ (got ${show(prefix)})`,
    });
  }

  const path = metrics.path ?? d.path;
  if (typeof path !== 'string' || !/^\/[^\s?#]*$/.test(path) || path === '/') {
    problems.push({
      path: 'metrics.path',
      message: `must start with "/", not be "/" and contain no spaces, "?" or "#" (got ${show(path)})`,
    });
  }

  const port = metrics.port;
  if (
    port !== undefined &&
    !(Number.isInteger(port) && port >= 0 && port <= 65535)
  ) {
    problems.push({
      path: 'metrics.port',
      message: `must be an integer from 0 to 65535 (got ${show(port)})`,
    });
  }

  const host = metrics.host ?? d.host;
  if (typeof host !== 'string' || host.trim() === '') {
    problems.push({
      path: 'metrics.host',
      message: `must be a non-empty string (got ${show(host)})`,
    });
  }

  checkAuth(metrics.auth, problems);

  const seriesLimit = metrics.seriesLimit ?? d.seriesLimit;
  if (!(
    Number.isInteger(seriesLimit) &&
    seriesLimit >= 1 &&
    seriesLimit <= MAX_SERIES_LIMIT
  )) {
    problems.push({
      path: 'metrics.seriesLimit',
      message: `must be an integer from 1 to ${MAX_SERIES_LIMIT} (got ${show(seriesLimit)})`,
    });
  }

  const buckets = http.durationBuckets ?? [...d.durationBuckets];
  if (!isIncreasingPositive(buckets)) {
    problems.push({
      path: 'http.durationBuckets',
      message: `must be a non-empty array of finite, positive, strictly increasing numbers of seconds (got ${show(buckets)})`,
    });
  }

  const excludePaths = http.excludePaths ?? [...d.excludePaths];
  if (
    !Array.isArray(excludePaths) ||
    excludePaths.some((p) => typeof p !== 'string' || !p.startsWith('/'))
  ) {
    problems.push({
      path: 'http.excludePaths',
      message: `must be an array of paths starting with "/" (got ${show(excludePaths)})`,
    });
  }

  return {
    metrics: {
      enabled,
      prefix,
      path,
      port,
      host,
      auth: metrics.auth,
      seriesLimit,
    },
    http: { durationBuckets: [...buckets], excludePaths: [...excludePaths] },
  };
}

function checkAuth(
  auth: MetricsAuthOptions | undefined,
  problems: ConfigProblem[],
): void {
  if (auth === undefined) return;
  if (!isRecord(auth)) {
    problems.push({
      path: 'metrics.auth',
      message: 'must be { bearerToken } or { username, password }',
    });
    return;
  }
  const a = auth as Record<string, unknown>;
  const hasBearer = 'bearerToken' in a;
  const hasBasic = 'username' in a || 'password' in a;
  if (hasBearer === hasBasic) {
    problems.push({
      path: 'metrics.auth',
      message:
        'must be exactly one of { bearerToken } or { username, password }',
    });
    return;
  }
  if (hasBearer && !nonEmptyString(a.bearerToken)) {
    problems.push({
      path: 'metrics.auth.bearerToken',
      message: 'must be a non-empty string',
    });
  }
  if (hasBasic) {
    if (!nonEmptyString(a.username) || a.username.includes(':')) {
      problems.push({
        path: 'metrics.auth.username',
        message: 'must be a non-empty string without ":"',
      });
    }
    if (!nonEmptyString(a.password)) {
      problems.push({
        path: 'metrics.auth.password',
        message: 'must be a non-empty string',
      });
    }
  }
}

function checkKnownKeys(
  value: object,
  path: string,
  known: readonly string[],
  problems: ConfigProblem[],
): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      problems.push({
        path: `${path}.${key}`,
        message: `unknown option (known: ${known.join(', ')})`,
      });
    }
  }
}

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

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}
