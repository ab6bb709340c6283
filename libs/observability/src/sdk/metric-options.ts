import type { ConfigProblem } from '../core/observability-config.error';
import { type Env, isHeaderName, nonEmpty } from './env';
import { type OtlpProtocol, resolveOtlpTarget } from './otlp-target';

/** Where metrics go: pulled from `/metrics`, pushed over OTLP/HTTP, printed, or nowhere. */
export type MetricsExporterName = 'prometheus' | 'otlp' | 'console' | 'none';

/** How pushed counters and histograms count: since start, or since the last export. */
export type MetricsTemporality = 'cumulative' | 'delta' | 'lowmemory';

/** Metrics settings of {@link StartObservabilityOptions}. */
export interface MetricsExportOptions {
  /**
   * Readers, each getting the same `prs_*` metrics. `prometheus` serves `/metrics`;
   * `otlp` pushes to a collector every `exportIntervalMillis`; `none` (alone) records nothing.
   * @default `OTEL_METRICS_EXPORTER` (a comma list), else `['prometheus']`
   */
  exporters?: MetricsExporterName[];
  /**
   * Milliseconds between pushes (OTLP and console).
   * @default `OTEL_METRIC_EXPORT_INTERVAL`, else 60000
   */
  exportIntervalMillis?: number;
  /**
   * Milliseconds one push may take before it is abandoned and counted as failed; at most the interval.
   * @default `OTEL_METRIC_EXPORT_TIMEOUT`, else 30000 (or the interval, if shorter)
   */
  exportTimeoutMillis?: number;
  /** The OTLP/HTTP metrics exporter. */
  otlp?: {
    /**
     * @default `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`, else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/metrics`,
     * else `http://localhost:4318/v1/metrics`
     */
    endpoint?: string;
    /** @default `OTEL_EXPORTER_OTLP_METRICS_PROTOCOL`, else `OTEL_EXPORTER_OTLP_PROTOCOL`, else `'http/protobuf'` */
    protocol?: OtlpProtocol;
    /**
     * Extra request headers (e.g. a collector's token), added to those of
     * `OTEL_EXPORTER_OTLP_HEADERS` / `OTEL_EXPORTER_OTLP_METRICS_HEADERS`.
     */
    headers?: Record<string, string>;
    /** @default `OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE`, else `'cumulative'` */
    temporality?: MetricsTemporality;
  };
}

/** {@link MetricsExportOptions} resolved. */
export interface ResolvedMetricsExportOptions {
  /** Empty when metrics are off (`none`). */
  exporters: Exclude<MetricsExporterName, 'none'>[];
  exportIntervalMillis: number;
  exportTimeoutMillis: number;
  otlp: {
    endpoint: string;
    protocol: OtlpProtocol;
    headers: Record<string, string>;
    temporality: MetricsTemporality;
    /**
     * One OTLP request's deadline: `OTEL_EXPORTER_OTLP_METRICS_TIMEOUT`, else
     * `OTEL_EXPORTER_OTLP_TIMEOUT`, capped at (and by default) the export timeout.
     */
    timeoutMillis: number;
  };
}

const EXPORTERS: readonly MetricsExporterName[] = [
  'prometheus',
  'otlp',
  'console',
  'none',
];
const TEMPORALITIES: readonly MetricsTemporality[] = [
  'cumulative',
  'delta',
  'lowmemory',
];
const DEFAULT_INTERVAL_MS = 60_000;
const DEFAULT_TIMEOUT_MS = 30_000;
/** A push more often than this would cost more than the requests it measures. */
const MIN_INTERVAL_MS = 100;
/** A day: beyond it a setting in seconds was most likely meant. */
const MAX_INTERVAL_MS = 86_400_000;

/** Applies option > `OTEL_*` > default for the metrics section, collecting problems. */
export function resolveMetricsExportOptions(
  options: MetricsExportOptions = {},
  env: Env,
  problems: ConfigProblem[],
): ResolvedMetricsExportOptions {
  const exporters = resolveExporters(options.exporters, env, problems);
  const exportIntervalMillis = resolveMillis(
    options.exportIntervalMillis,
    'metrics.exportIntervalMillis',
    env,
    'OTEL_METRIC_EXPORT_INTERVAL',
    DEFAULT_INTERVAL_MS,
    problems,
  );
  const exportTimeoutMillis = resolveMillis(
    options.exportTimeoutMillis,
    'metrics.exportTimeoutMillis',
    env,
    'OTEL_METRIC_EXPORT_TIMEOUT',
    undefined,
    problems,
  );
  if (
    exportTimeoutMillis !== undefined &&
    exportTimeoutMillis > exportIntervalMillis
  ) {
    problems.push({
      path:
        options.exportTimeoutMillis !== undefined
          ? 'metrics.exportTimeoutMillis'
          : 'OTEL_METRIC_EXPORT_TIMEOUT',
      message: `must not exceed the export interval (${exportIntervalMillis} ms; got ${exportTimeoutMillis})`,
    });
  }

  const otlp = options.otlp ?? {};
  const target = resolveOtlpTarget(
    'metrics',
    otlp,
    'metrics.otlp',
    env,
    problems,
  );
  const temporality =
    otlp.temporality ??
    nonEmpty(
      env.OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE,
    )?.toLowerCase() ??
    'cumulative';
  if (!(TEMPORALITIES as readonly string[]).includes(temporality))
    problems.push({
      path:
        otlp.temporality !== undefined
          ? 'metrics.otlp.temporality'
          : 'OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE',
      message: `must be one of ${TEMPORALITIES.join(', ')} (got ${JSON.stringify(temporality)})`,
    });
  const headers = otlp.headers ?? {};
  if (typeof headers !== 'object' || headers === null) {
    problems.push({
      path: 'metrics.otlp.headers',
      message: 'must be an object of header names to string values',
    });
  } else {
    for (const [name, value] of Object.entries(headers)) {
      // The value is never shown: headers carry tokens.
      if (
        !isHeaderName(name) ||
        typeof value !== 'string' ||
        /[\r\n]/.test(value)
      )
        problems.push({
          path: `metrics.otlp.headers.${name}`,
          message:
            'must be a valid header name with a string value without line breaks',
        });
    }
  }

  const readerTimeout =
    exportTimeoutMillis ?? Math.min(DEFAULT_TIMEOUT_MS, exportIntervalMillis);
  return {
    exporters,
    exportIntervalMillis,
    exportTimeoutMillis: readerTimeout,
    otlp: {
      endpoint: target.endpoint,
      protocol: target.protocol,
      headers: {
        ...target.headers,
        ...(typeof headers === 'object' && headers !== null ? headers : {}),
      },
      temporality: temporality as MetricsTemporality,
      // Beyond the reader's deadline the push is abandoned anyway, uncounted.
      timeoutMillis: Math.min(
        target.timeoutMillis ?? readerTimeout,
        readerTimeout,
      ),
    },
  };
}

function resolveExporters(
  option: MetricsExporterName[] | undefined,
  env: Env,
  problems: ConfigProblem[],
): Exclude<MetricsExporterName, 'none'>[] {
  const path =
    option !== undefined ? 'metrics.exporters' : 'OTEL_METRICS_EXPORTER';
  if (option !== undefined && !Array.isArray(option)) {
    problems.push({ path, message: 'must be an array of exporter names' });
    return ['prometheus'];
  }
  const names: string[] = option ??
    nonEmpty(env.OTEL_METRICS_EXPORTER)
      ?.split(',')
      .map((name) => name.trim().toLowerCase())
      .filter((name) => name !== '') ?? ['prometheus'];
  const unknown = names.filter(
    (name) => !(EXPORTERS as readonly string[]).includes(name),
  );
  if (unknown.length > 0)
    problems.push({
      path,
      message: `unknown exporter ${unknown.map((name) => JSON.stringify(name)).join(', ')} (known: ${EXPORTERS.join(', ')})`,
    });
  if (names.includes('none') && names.length > 1)
    problems.push({
      path,
      message: `"none" turns metrics off and cannot be combined with other exporters (got ${names.join(',')})`,
    });
  return [...new Set(names)].filter(
    (name): name is Exclude<MetricsExporterName, 'none'> =>
      name !== 'none' && (EXPORTERS as readonly string[]).includes(name),
  );
}

function resolveMillis(
  option: number | undefined,
  optionPath: string,
  env: Env,
  variable: string,
  fallback: number,
  problems: ConfigProblem[],
): number;
function resolveMillis(
  option: number | undefined,
  optionPath: string,
  env: Env,
  variable: string,
  fallback: undefined,
  problems: ConfigProblem[],
): number | undefined;
function resolveMillis(
  option: number | undefined,
  optionPath: string,
  env: Env,
  variable: string,
  fallback: number | undefined,
  problems: ConfigProblem[],
): number | undefined {
  const raw = option ?? nonEmpty(env[variable]);
  if (raw === undefined) return fallback;
  const value = typeof raw === 'number' ? raw : Number(raw);
  if (
    !Number.isInteger(value) ||
    value < MIN_INTERVAL_MS ||
    value > MAX_INTERVAL_MS
  ) {
    problems.push({
      path: option !== undefined ? optionPath : variable,
      message: `must be a whole number of milliseconds from ${MIN_INTERVAL_MS} to ${MAX_INTERVAL_MS} (got ${JSON.stringify(raw)})`,
    });
    return fallback;
  }
  return value;
}
