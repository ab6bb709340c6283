import type { ConfigProblem } from '../core/observability-config.error';
import { DEFAULT_HEALTH_OPTIONS as D } from './health-defaults';
import type { HealthDetailsPolicy } from './health-options.interface';
import { OptionChecks } from '../core/option-checks';
import type { ResolvedHealthOptions } from './resolved-health-options';
import { resolveHealthTargets } from './validate-health-targets';

const KNOWN = [
  'enabled',
  'paths',
  'timeoutMs',
  'deadlineMs',
  'cacheTtlMs',
  'refreshIntervalMs',
  'details',
  'token',
  'drainDelayMs',
  'shutdownTimeoutMs',
  'version',
  'postgres',
  'redis',
  'disk',
  'smtp',
  's3',
  'application',
] as const;
const DETAILS: readonly HealthDetailsPolicy[] = [
  'never',
  'when-authorized',
  'always',
];

/**
 * Validates the `health` section, pushing every problem as `health.<path>: message`,
 * and returns it with defaults applied (meaningful only when no problem was pushed).
 * `metricsPath` is reserved: a probe path equal to it would shadow `/metrics`.
 */
export function resolveHealthOptions(
  input: unknown,
  problems: ConfigProblem[],
  metricsPath?: unknown,
): ResolvedHealthOptions {
  const c = new OptionChecks(problems);
  const h = c.section(input, 'health', KNOWN) ?? {};
  const enabled = c.boolean(h.enabled, D.enabled, 'health.enabled');
  const pathsIn =
    c.section(h.paths, 'health.paths', ['full', 'ready', 'live']) ?? {};
  const paths = {
    full: c.routePath(pathsIn.full, D.paths.full, 'health.paths.full'),
    ready: c.routePath(pathsIn.ready, D.paths.ready, 'health.paths.ready'),
    live: c.routePath(pathsIn.live, D.paths.live, 'health.paths.live'),
  };
  const seen = new Map<string, string>();
  for (const [name, path] of Object.entries(paths)) {
    const bare =
      path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
    const other = seen.get(bare);
    if (other !== undefined)
      c.push(
        `health.paths.${name}`,
        `must differ from health.paths.${other} (both ${c.show(bare)})`,
      );
    else if (
      typeof metricsPath === 'string' &&
      bare === metricsPath.replace(/(.)\/$/, '$1')
    ) {
      c.push(
        `health.paths.${name}`,
        `must differ from metrics.path (both ${c.show(bare)})`,
      );
    }
    seen.set(bare, name);
  }

  const timeoutMs = c.integer(
    h.timeoutMs,
    D.timeoutMs,
    'health.timeoutMs',
    1,
    60_000,
  );
  const deadlineMs = c.integer(
    h.deadlineMs,
    D.deadlineMs,
    'health.deadlineMs',
    1,
    120_000,
  );
  if (timeoutMs > deadlineMs) {
    c.push(
      'health.timeoutMs',
      `must not exceed health.deadlineMs (${timeoutMs} > ${deadlineMs})`,
    );
  }
  const cacheTtlMs = c.integer(
    h.cacheTtlMs,
    D.cacheTtlMs,
    'health.cacheTtlMs',
    0,
    3_600_000,
  );
  const refreshIntervalMs = c.integer(
    h.refreshIntervalMs,
    D.refreshIntervalMs,
    'health.refreshIntervalMs',
    0,
    3_600_000,
  );
  if (refreshIntervalMs > 0 && refreshIntervalMs < 1000) {
    c.push(
      'health.refreshIntervalMs',
      `must be 0 (off) or at least 1000 (got ${refreshIntervalMs})`,
    );
  }
  const details = h.details ?? D.details;
  if (!DETAILS.includes(details as HealthDetailsPolicy)) {
    c.push(
      'health.details',
      `must be one of ${DETAILS.map((d) => `"${d}"`).join(', ')} (got ${c.show(details)})`,
    );
  }
  return {
    enabled,
    paths,
    timeoutMs,
    deadlineMs,
    cacheTtlMs,
    refreshIntervalMs,
    details: details as HealthDetailsPolicy,
    token: c.optionalString(h.token, 'health.token', true),
    drainDelayMs: c.integer(
      h.drainDelayMs,
      D.drainDelayMs,
      'health.drainDelayMs',
      0,
      120_000,
    ),
    shutdownTimeoutMs: c.integer(
      h.shutdownTimeoutMs,
      D.shutdownTimeoutMs,
      'health.shutdownTimeoutMs',
      0,
      120_000,
    ),
    version: c.string(h.version, D.version, 'health.version'),
    ...resolveHealthTargets(h, c),
  };
}
