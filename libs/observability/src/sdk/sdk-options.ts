import {
  ObservabilityConfigError,
  type ConfigProblem,
} from '../errors/observability-config.error';

/** Where spans go. */
export type TracesExporterName = 'otlp' | 'console' | 'none';

/** Options for {@link startObservability} (and, through `OTEL_*` variables, for the `register` preload). */
export interface StartObservabilityOptions {
  /**
   * Turns the whole SDK off; the module then records nothing and serves no `/metrics`.
   * @default `OTEL_SDK_DISABLED === 'true'`, else `false`
   */
  disabled?: boolean;
  /**
   * `service.name` resource attribute (the Jaeger service, the `job` you scrape).
   * @default `OTEL_SERVICE_NAME`, else `unknown_service:node`
   */
  serviceName?: string;
  /**
   * `service.version` resource attribute.
   * @default `service.version` from `OTEL_RESOURCE_ATTRIBUTES`, else `npm_package_version`, else unset
   */
  serviceVersion?: string;
  /** Tracing settings. */
  traces?: {
    /**
     * Span exporter.
     * @default `OTEL_TRACES_EXPORTER`, else `'otlp'`
     */
    exporter?: TracesExporterName;
    /**
     * OTLP/HTTP traces endpoint.
     * @default `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`,
     * else `http://localhost:4318/v1/traces`
     */
    endpoint?: string;
  };
  /**
   * Auto-instrumentations to enable; each defaults to `true`.
   * @default `{ http: true, express: true, pg: true, ioredis: true }`
   */
  instrumentations?: Partial<Record<InstrumentationName, boolean>>;
}

/** The auto-instrumentations the SDK can enable. */
export type InstrumentationName = 'http' | 'express' | 'pg' | 'ioredis';

/** {@link StartObservabilityOptions} with environment variables and defaults applied. */
export interface ResolvedSdkOptions {
  disabled: boolean;
  serviceName: string;
  serviceVersion: string | undefined;
  traces: { exporter: TracesExporterName; endpoint: string };
  instrumentations: Record<InstrumentationName, boolean>;
}

type Env = Readonly<Record<string, string | undefined>>;

const TRACES_EXPORTERS: readonly TracesExporterName[] = [
  'otlp',
  'console',
  'none',
];
const INSTRUMENTATIONS: readonly InstrumentationName[] = [
  'http',
  'express',
  'pg',
  'ioredis',
];

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
    options.disabled ?? parseBooleanEnv(env, 'OTEL_SDK_DISABLED', problems);
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
  const serviceVersion =
    options.serviceVersion ??
    resourceAttribute(env.OTEL_RESOURCE_ATTRIBUTES, 'service.version') ??
    nonEmpty(env.npm_package_version);

  const exporterFromEnv = nonEmpty(env.OTEL_TRACES_EXPORTER)
    ?.split(',')[0]
    ?.trim();
  const exporter = options.traces?.exporter ?? exporterFromEnv ?? 'otlp';
  if (!(TRACES_EXPORTERS as readonly string[]).includes(exporter)) {
    const path =
      options.traces?.exporter !== undefined
        ? 'traces.exporter'
        : 'OTEL_TRACES_EXPORTER';
    problems.push({
      path,
      message: `must be one of ${TRACES_EXPORTERS.join(', ')} (got ${JSON.stringify(exporter)})`,
    });
  }
  const endpoint =
    options.traces?.endpoint ??
    nonEmpty(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) ??
    withTracesPath(nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT)) ??
    'http://localhost:4318/v1/traces';
  if (!isHttpUrl(endpoint)) {
    problems.push({
      path:
        options.traces?.endpoint !== undefined
          ? 'traces.endpoint'
          : 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
      message: `must be an http(s) URL (got ${JSON.stringify(endpoint)})`,
    });
  }

  const instrumentations = {} as Record<InstrumentationName, boolean>;
  for (const name of INSTRUMENTATIONS) instrumentations[name] = true;
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

  if (problems.length > 0)
    throw new ObservabilityConfigError('Observability SDK', problems);
  return {
    disabled,
    serviceName,
    serviceVersion,
    traces: { exporter: exporter as TracesExporterName, endpoint },
    instrumentations,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function parseBooleanEnv(
  env: Env,
  name: string,
  problems: ConfigProblem[],
): boolean {
  const raw = nonEmpty(env[name])?.toLowerCase();
  if (raw === undefined || raw === 'false') return false;
  if (raw === 'true') return true;
  problems.push({
    path: name,
    message: `must be "true" or "false" (got ${JSON.stringify(env[name])})`,
  });
  return false;
}

function withTracesPath(base: string | undefined): string | undefined {
  return base === undefined
    ? undefined
    : `${base.replace(/\/+$/, '')}/v1/traces`;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function resourceAttribute(
  list: string | undefined,
  key: string,
): string | undefined {
  for (const pair of list?.split(',') ?? []) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === key) {
      const raw = pair.slice(eq + 1);
      try {
        return nonEmpty(decodeURIComponent(raw));
      } catch {
        return nonEmpty(raw);
      }
    }
  }
  return undefined;
}
