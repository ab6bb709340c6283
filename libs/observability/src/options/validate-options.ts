import {
  ObservabilityConfigError,
  type ConfigProblem,
} from '../errors/observability-config.error';
import { DEFAULT_OPTIONS, MAX_SERIES_LIMIT } from './default-options';
import type {
  HttpMetricsOptions,
  MetricsAuthOptions,
  MetricsOptions,
  ObservabilityModuleOptions,
} from './observability-options.interface';
import type { ResolvedObservabilityOptions } from './resolved-options';
import { resolveBusinessEventsOptions } from '../business-events/validate-business-events-options';
import { resolveActiveUsersOptions } from '../active-users/validate-active-users-options';
import { resolveHealthOptions } from '../health/validate-health-options';
import { isHttpUrl } from '../sdk/env';
import { resolveLoggingOptions } from '../logging/validate-logging-options';

const KNOWN_KEYS: Record<string, readonly string[]> = {
  '': [
    'metrics',
    'http',
    'health',
    'businessEvents',
    'activeUsers',
    'logging',
    'tracing',
  ],
  metrics: ['enabled', 'prefix', 'path', 'port', 'host', 'auth', 'seriesLimit'],
  http: ['durationBuckets', 'excludePaths'],
};

/**
 * Validates module options once, at bootstrap, and applies defaults.
 * Throws one {@link ObservabilityConfigError} listing every problem as `path: message`.
 */
export function resolveModuleOptions(
  options: ObservabilityModuleOptions | undefined,
): ResolvedObservabilityOptions {
  const problems: ConfigProblem[] = [];
  const input: ObservabilityModuleOptions = options ?? {};
  if (!isRecord(input)) {
    throw new ObservabilityConfigError('ObservabilityModule options', [
      { path: '(root)', message: 'must be an object' },
    ]);
  }
  checkKnownKeys(input, '', problems);
  const metrics: MetricsOptions = isRecord(input.metrics) ? input.metrics : {};
  const http: HttpMetricsOptions = isRecord(input.http) ? input.http : {};
  if (input.metrics !== undefined && !isRecord(input.metrics)) {
    problems.push({ path: 'metrics', message: 'must be an object' });
  } else checkKnownKeys(metrics, 'metrics', problems);
  if (input.http !== undefined && !isRecord(input.http)) {
    problems.push({ path: 'http', message: 'must be an object' });
  } else checkKnownKeys(http, 'http', problems);

  const d = DEFAULT_OPTIONS;
  const enabled = metrics.enabled ?? d.metrics.enabled;
  if (typeof enabled !== 'boolean')
    problems.push({ path: 'metrics.enabled', message: 'must be a boolean' });

  const prefix = metrics.prefix ?? d.metrics.prefix;
  if (typeof prefix !== 'string' || !/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(prefix)) {
    problems.push({
      path: 'metrics.prefix',
      message: `must match /^[a-zA-Z_][a-zA-Z0-9_]*$/ (got ${show(prefix)})`,
    });
  }

  const path = metrics.path ?? d.metrics.path;
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

  const host = metrics.host ?? d.metrics.host;
  if (typeof host !== 'string' || host.trim() === '') {
    problems.push({
      path: 'metrics.host',
      message: `must be a non-empty string (got ${show(host)})`,
    });
  }

  checkAuth(metrics.auth, problems);

  const seriesLimit = metrics.seriesLimit ?? d.metrics.seriesLimit;
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

  const buckets = http.durationBuckets ?? [...d.http.durationBuckets];
  if (!isIncreasingPositive(buckets)) {
    problems.push({
      path: 'http.durationBuckets',
      message: `must be a non-empty array of finite, positive, strictly increasing numbers of seconds (got ${show(buckets)})`,
    });
  }

  const excludePaths = http.excludePaths ?? [...d.http.excludePaths];
  if (
    !Array.isArray(excludePaths) ||
    excludePaths.some((p) => typeof p !== 'string' || !p.startsWith('/'))
  ) {
    problems.push({
      path: 'http.excludePaths',
      message: `must be an array of paths starting with "/" (got ${show(excludePaths)})`,
    });
  }

  const health = resolveHealthOptions(input.health, problems, path);
  const businessEvents = resolveBusinessEventsOptions(
    input.businessEvents,
    problems,
  );
  const activeUsers = resolveActiveUsersOptions(input.activeUsers, problems);
  const logging = resolveLoggingOptions(input.logging, problems);
  const tracing = resolveTracingLinks(input.tracing, problems);
  if (problems.length > 0)
    throw new ObservabilityConfigError('ObservabilityModule options', problems);
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
    businessEvents,
    activeUsers,
    health,
    logging,
    tracing,
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
  problems: ConfigProblem[],
): void {
  const known = KNOWN_KEYS[path] ?? [];
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      problems.push({
        path: path ? `${path}.${key}` : key,
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

// Shows the offending value, never a credential: auth values are not passed here.
function show(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function resolveTracingLinks(
  input: unknown,
  problems: ConfigProblem[],
): { uiUrl: string | undefined } {
  if (input === undefined) return { uiUrl: undefined };
  if (!isRecord(input)) {
    problems.push({ path: 'tracing', message: 'must be an object' });
    return { uiUrl: undefined };
  }
  for (const key of Object.keys(input)) {
    if (key !== 'uiUrl')
      problems.push({
        path: `tracing.${key}`,
        message: 'unknown option (known: uiUrl)',
      });
  }
  const uiUrl = input.uiUrl;
  if (uiUrl === undefined) return { uiUrl: undefined };
  if (typeof uiUrl !== 'string' || !isHttpUrl(uiUrl)) {
    problems.push({
      path: 'tracing.uiUrl',
      message: `must be an http(s) URL (got ${show(uiUrl)})`,
    });
    return { uiUrl: undefined };
  }
  return { uiUrl: uiUrl.replace(/\/+$/, '') };
}
