import type { ConfigProblem } from '../core/observability-config.error';
import {
  type Env,
  isHttpUrl,
  nonEmpty,
  parseHeadersEnv,
  parseIntegerEnv,
} from './env';

/** OTLP encodings over HTTP (gRPC is not bundled). */
export type OtlpProtocol = 'http/protobuf' | 'http/json';

/** Where one signal's OTLP/HTTP requests go, as options and `OTEL_EXPORTER_OTLP_*` say. */
export interface OtlpTarget {
  endpoint: string;
  protocol: OtlpProtocol;
  /** `OTEL_EXPORTER_OTLP_HEADERS`, then the signal's own variable. */
  headers: Record<string, string>;
  /** The signal's `…_TIMEOUT`, else `OTEL_EXPORTER_OTLP_TIMEOUT`; unset when neither is. */
  timeoutMillis: number | undefined;
}

/** A request timeout beyond ten minutes was most likely meant in seconds. */
const MAX_TIMEOUT_MS = 600_000;

/**
 * The OTLP target of `signal` with the standard precedence: option, the signal's
 * variable, the general one (an endpoint gets the signal's path appended), the default.
 * A problem names what the bad value came from; header values are never shown.
 */
export function resolveOtlpTarget(
  signal: 'traces' | 'metrics',
  options: { endpoint?: string; protocol?: OtlpProtocol },
  optionPath: string,
  env: Env,
  problems: ConfigProblem[],
): OtlpTarget {
  const own = `OTEL_EXPORTER_OTLP_${signal.toUpperCase()}`;
  const base = nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  const endpoint =
    options.endpoint ??
    nonEmpty(env[`${own}_ENDPOINT`]) ??
    (base === undefined
      ? undefined
      : `${base.replace(/\/+$/, '')}/v1/${signal}`) ??
    `http://localhost:4318/v1/${signal}`;
  if (!isHttpUrl(endpoint))
    problems.push({
      path: sourceOf(options.endpoint, optionPath, 'endpoint', env, own),
      message: `must be an http(s) URL (got ${JSON.stringify(endpoint)})`,
    });
  const protocol =
    options.protocol ??
    nonEmpty(env[`${own}_PROTOCOL`]) ??
    nonEmpty(env.OTEL_EXPORTER_OTLP_PROTOCOL) ??
    'http/protobuf';
  if (protocol !== 'http/protobuf' && protocol !== 'http/json')
    problems.push({
      path: sourceOf(options.protocol, optionPath, 'protocol', env, own),
      message: `must be http/protobuf or http/json (got ${JSON.stringify(protocol)})`,
    });
  // The timeout before the headers: problems are listed in the order users read the variables.
  const timeoutMillis =
    parseIntegerEnv(env, `${own}_TIMEOUT`, 1, MAX_TIMEOUT_MS, problems) ??
    parseIntegerEnv(
      env,
      'OTEL_EXPORTER_OTLP_TIMEOUT',
      1,
      MAX_TIMEOUT_MS,
      problems,
    );
  return {
    endpoint,
    protocol: protocol as OtlpProtocol,
    headers: {
      ...parseHeadersEnv(env, 'OTEL_EXPORTER_OTLP_HEADERS', problems),
      ...parseHeadersEnv(env, `${own}_HEADERS`, problems),
    },
    timeoutMillis,
  };
}

/** The option, else the signal's variable if set, else the general variable. */
function sourceOf(
  option: unknown,
  optionPath: string,
  field: 'endpoint' | 'protocol',
  env: Env,
  own: string,
): string {
  if (option !== undefined) return `${optionPath}.${field}`;
  const variable = `${own}_${field.toUpperCase()}`;
  return env[variable] !== undefined
    ? variable
    : `OTEL_EXPORTER_OTLP_${field.toUpperCase()}`;
}
