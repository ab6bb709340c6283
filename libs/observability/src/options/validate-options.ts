import {
  ObservabilityConfigError,
  type ConfigProblem,
} from '../core/observability-config.error';
import { isRecord, show } from '../core/option-checks';
import { resolveActiveUsersOptions } from '../active-users/validate-active-users-options';
import { resolveBusinessEventsOptions } from '../business-events/validate-business-events-options';
import { resolveHealthOptions } from '../health/validate-health-options';
import { resolveLoggingOptions } from '../logging/validate-logging-options';
import { resolveMetricsOptions } from '../metrics/validate-metrics-options';
import { isHttpUrl } from '../sdk/env';
import type { ObservabilityModuleOptions } from './observability-options.interface';
import type { ResolvedObservabilityOptions } from './resolved-options';

const SECTIONS = [
  'metrics',
  'http',
  'health',
  'businessEvents',
  'activeUsers',
  'logging',
  'tracing',
];

/**
 * Validates module options once, at bootstrap, and applies defaults: each capability
 * checks its own section. Throws one {@link ObservabilityConfigError} listing every
 * problem as `path: message`.
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
  for (const key of Object.keys(input)) {
    if (!SECTIONS.includes(key))
      problems.push({
        path: key,
        message: `unknown option (known: ${SECTIONS.join(', ')})`,
      });
  }
  const { metrics, http } = resolveMetricsOptions(
    input.metrics,
    input.http,
    problems,
  );
  const health = resolveHealthOptions(input.health, problems, metrics.path);
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
    metrics,
    http,
    businessEvents,
    activeUsers,
    health,
    logging,
    tracing,
  };
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
