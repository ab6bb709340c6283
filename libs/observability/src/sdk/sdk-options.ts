import {
  ObservabilityConfigError,
  type ConfigProblem,
} from '../core/observability-config.error';
import { DEFAULT_CRASH_FLUSH_TIMEOUT_MS } from './crash-flush';
import { type Env, nonEmpty, parseBooleanEnv, resourceAttribute } from './env';
import {
  type MetricsExportOptions,
  type ResolvedMetricsExportOptions,
  resolveMetricsExportOptions,
} from './metric-options';
import {
  type ResolvedTraceOptions,
  resolveTraceOptions,
  type TraceOptions,
} from './trace-options';

export type {
  OtlpProtocol,
  TracesExporterName,
  TraceOptions,
} from './trace-options';
export type {
  MetricsExporterName,
  MetricsExportOptions,
  MetricsTemporality,
} from './metric-options';

/** Options for {@link startObservability} (and, through `OTEL_*` variables, for the `register` preload). */
export interface StartObservabilityOptions {
  /**
   * Turns the whole SDK off; the module then records nothing and serves no `/metrics`.
   * @default `OTEL_SDK_DISABLED === 'true'`, else `false`
   */
  disabled?: boolean;
  /**
   * `service.name` resource attribute (the Jaeger service).
   * @default `OTEL_SERVICE_NAME`, else `unknown_service:node`
   */
  serviceName?: string;
  /**
   * `service.version` resource attribute.
   * @default `service.version` from `OTEL_RESOURCE_ATTRIBUTES`, else `npm_package_version`, else unset
   */
  serviceVersion?: string;
  /**
   * `deployment.environment.name` (and the older `deployment.environment`) resource attribute.
   * @default from `OTEL_RESOURCE_ATTRIBUTES`, else `NODE_ENV`, else unset
   */
  environment?: string;
  /** Tracing settings. */
  traces?: TraceOptions;
  /** Where metrics go: `/metrics` (the default), OTLP push, or both. */
  metrics?: MetricsExportOptions;
  /**
   * Auto-instrumentations to enable. `express` (a span per middleware and router layer)
   * is opt-in; `http` also governs ObservabilityModule's HTTP server spans.
   * @default `{ http: true, express: false, pg: true, ioredis: true }`
   */
  instrumentations?: Partial<Record<InstrumentationName, boolean>>;
  /**
   * On an uncaught exception or unhandled rejection, how long the dying process may
   * flush queued telemetry before Node's own crash proceeds; `0` leaves crashes alone.
   * @default 2000
   */
  crashFlushTimeoutMs?: number;
}

/** The auto-instrumentations the SDK can enable. */
export type InstrumentationName = 'http' | 'express' | 'pg' | 'ioredis';

/** {@link StartObservabilityOptions} with environment variables and defaults applied. */
export interface ResolvedSdkOptions {
  disabled: boolean;
  serviceName: string;
  serviceVersion: string | undefined;
  environment: string | undefined;
  traces: ResolvedTraceOptions;
  metrics: ResolvedMetricsExportOptions;
  instrumentations: Record<InstrumentationName, boolean>;
  crashFlushTimeoutMs: number;
}

// The express one (a span per middleware and router layer) is opt-in: it wraps every
// layer of every request (the bench measured ~17 us of CPU per request on Express), and
// the route already names the server span.
const DEFAULT_INSTRUMENTATIONS: Record<InstrumentationName, boolean> = {
  http: true,
  express: false,
  pg: true,
  ioredis: true,
};
const INSTRUMENTATIONS = Object.keys(
  DEFAULT_INSTRUMENTATIONS,
) as InstrumentationName[];

/**
 * Applies precedence (explicit option > standard `OTEL_*` variable > default) and
 * validates the result, throwing one {@link ObservabilityConfigError} that lists every problem.
 */
export function resolveSdkOptions(
  options: StartObservabilityOptions = {},
  env: Env = process.env,
): ResolvedSdkOptions {
  const problems: ConfigProblem[] = [];
  const disabled =
    options.disabled ??
    parseBooleanEnv(env, 'OTEL_SDK_DISABLED', problems) ??
    false;
  const serviceName =
    options.serviceName ??
    nonEmpty(env.OTEL_SERVICE_NAME) ??
    'unknown_service:node';
  if (options.serviceName !== undefined && options.serviceName.trim() === '') {
    problems.push({
      path: 'serviceName',
      message: 'must be a non-empty string',
    });
  }
  const attributes = env.OTEL_RESOURCE_ATTRIBUTES;
  const serviceVersion =
    options.serviceVersion ??
    resourceAttribute(attributes, 'service.version') ??
    nonEmpty(env.npm_package_version);
  const environment =
    options.environment ??
    resourceAttribute(attributes, 'deployment.environment.name') ??
    resourceAttribute(attributes, 'deployment.environment') ??
    nonEmpty(env.NODE_ENV);
  const traces = resolveTraceOptions(options.traces, env, problems);
  const metrics = resolveMetricsExportOptions(options.metrics, env, problems);

  const instrumentations = {} as Record<InstrumentationName, boolean>;
  for (const name of INSTRUMENTATIONS)
    instrumentations[name] = DEFAULT_INSTRUMENTATIONS[name];
  for (const [name, enabled] of Object.entries(
    options.instrumentations ?? {},
  )) {
    if (!(INSTRUMENTATIONS as readonly string[]).includes(name)) {
      problems.push({
        path: `instrumentations.${name}`,
        message: `unknown instrumentation (known: ${INSTRUMENTATIONS.join(', ')})`,
      });
    } else if (typeof enabled !== 'boolean') {
      problems.push({
        path: `instrumentations.${name}`,
        message: 'must be a boolean',
      });
    } else {
      instrumentations[name as InstrumentationName] = enabled;
    }
  }

  // Crash flush (see crash-flush.ts).
  const crashFlushTimeoutMs =
    options.crashFlushTimeoutMs ?? DEFAULT_CRASH_FLUSH_TIMEOUT_MS;
  if (!Number.isFinite(crashFlushTimeoutMs) || crashFlushTimeoutMs < 0)
    problems.push({
      path: 'crashFlushTimeoutMs',
      message: 'must be a number of milliseconds, 0 or more',
    });

  if (problems.length > 0)
    throw new ObservabilityConfigError('Observability SDK', distinct(problems));
  return {
    disabled,
    serviceName,
    serviceVersion,
    environment,
    traces,
    metrics,
    instrumentations,
    crashFlushTimeoutMs,
  };
}

// Shared variables (OTEL_EXPORTER_OTLP_HEADERS, _TIMEOUT) are read for traces and metrics:
// one problem each, not one per signal.
function distinct(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\n${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
