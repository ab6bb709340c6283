import {
  ObservabilityConfigError,
  type ConfigProblem,
} from '../core/observability-config.error';
import { isRecord, OptionChecks } from '../core/option-checks';
import { resolveActiveUsersOptions } from '../active-users/validate-active-users-options';
import { resolveBusinessEventsOptions } from '../business-events/validate-business-events-options';
import { resolveHealthOptions } from '../health/validate-health-options';
import { resolveLoggingOptions } from '../logging/validate-logging-options';
import { resolveMetricsOptions } from '../metrics/validate-metrics-options';
import { isHttpUrl } from '../sdk/env';
import { resolveSloOptions } from '../slo/validate-slo-options';
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
  'slo',
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
  const c = new OptionChecks(problems);
  c.knownKeys(input, '', SECTIONS);
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
  const tracing = resolveTracingLinks(input.tracing, c);
  // Objective problems wait for the route check at bootstrap (SloRouteCheck), so that
  // one error lists them with unknown routes; with other problems, they go now.
  const sloProblems: ConfigProblem[] = [];
  const slo = resolveSloOptions(input.slo, http.durationBuckets, sloProblems);
  if (problems.length > 0)
    throw new ObservabilityConfigError('ObservabilityModule options', [
      ...problems,
      ...sloProblems,
    ]);
  return {
    metrics,
    http,
    businessEvents,
    activeUsers,
    health,
    logging,
    tracing,
    slo: { slo, problems: sloProblems },
  };
}

function resolveTracingLinks(
  input: unknown,
  c: OptionChecks,
): { uiUrl: string | undefined } {
  const uiUrl = c.section(input, 'tracing', ['uiUrl'])?.uiUrl;
  if (uiUrl === undefined) return { uiUrl: undefined };
  if (typeof uiUrl !== 'string' || !isHttpUrl(uiUrl)) {
    c.push('tracing.uiUrl', `must be an http(s) URL (got ${c.show(uiUrl)})`);
    return { uiUrl: undefined };
  }
  return { uiUrl: uiUrl.replace(/\/+$/, '') };
}
