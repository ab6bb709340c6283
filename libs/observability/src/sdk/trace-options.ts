import type { ConfigProblem } from '../core/observability-config.error';
import {
  type Env,
  isHttpUrl,
  nonEmpty,
  parseBooleanEnv,
  parseIntegerEnv,
} from './env';

import { type OtlpProtocol, resolveOtlpTarget } from './otlp-target';
import { type PropagatorName, resolvePropagators } from './propagator-options';
import { type ResolvedSampler, resolveSampler } from './sampling-options';

export type { OtlpProtocol } from './otlp-target';

/**
 * What a server span does with the caller's `traceparent`: `trust` continues the
 * caller's trace (and its sampling decision); `distrust` starts a new trace, sampled by
 * this service's own ratio, and links the caller's span context.
 */
export type IncomingContextPolicy = 'trust' | 'distrust';

/** Where spans go. */
export type TracesExporterName = 'otlp' | 'jaeger' | 'console' | 'none';

/** Tracing settings of {@link StartObservabilityOptions}. */
export interface TraceOptions {
  /**
   * Span exporter. `jaeger` needs the optional peer `@opentelemetry/exporter-jaeger`.
   * `none` registers no tracer provider at all: no spans, no trace ids, no overhead.
   * @default `OTEL_TRACES_EXPORTER`, else `'otlp'`
   */
  exporter?: TracesExporterName;
  /**
   * OTLP/HTTP traces endpoint (Jaeger ≥ 1.35 accepts OTLP natively).
   * @default `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`,
   * else `http://localhost:4318/v1/traces`
   */
  endpoint?: string;
  /**
   * OTLP encoding.
   * @default `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`, else `OTEL_EXPORTER_OTLP_PROTOCOL`, else `'http/protobuf'`
   */
  protocol?: OtlpProtocol;
  /** Jaeger thrift exporter: the collector's HTTP endpoint, or the agent over UDP when `agentHost` is set. */
  jaeger?: {
    /** @default `OTEL_EXPORTER_JAEGER_ENDPOINT`, else `http://localhost:14268/api/traces` */
    endpoint?: string;
    /** @default `OTEL_EXPORTER_JAEGER_AGENT_HOST`, else unset (use the HTTP endpoint) */
    agentHost?: string;
    /** @default `OTEL_EXPORTER_JAEGER_AGENT_PORT`, else 6832 */
    agentPort?: number;
  };
  /**
   * Fraction of new traces sampled (ParentBased(TraceIdRatio): a sampled parent is always followed).
   * @default from `OTEL_TRACES_SAMPLER`/`OTEL_TRACES_SAMPLER_ARG`, else 1
   */
  sampleRatio?: number;
  /**
   * What incoming trace context decides. `trust` (the default) continues the caller's trace
   * and follows its sampled flag. `distrust` is for a service at the edge, called from the
   * internet: each request starts a new trace sampled by this service's own ratio, and the
   * caller's span context (when valid) is kept as a span link, so a forged
   * `traceparent: ...-01` can neither force sampling nor join our traces.
   * @default `PRS_TRACES_INCOMING_CONTEXT`, else `'trust'`
   */
  incomingContext?: 'trust' | 'distrust';
  /**
   * Put raw SQL (literals included) on spans. For development only: literals carry personal data.
   * @default `PRS_TRACES_RAW_STATEMENTS === 'true'`, else `false`
   */
  rawStatements?: boolean;
  /**
   * The spans go to an OpenTelemetry Collector gateway that samples whole traces by their
   * outcome (`tail_sampling`: errors, slow traces, a share of the rest). The gateway can only
   * keep what the app sends, so the SDK warns at startup when it also samples below 100 %.
   * @default `PRS_TRACES_TAIL_SAMPLING === 'true'`, else `false`
   */
  tailSampling?: boolean;
}

/** {@link TraceOptions} resolved. */
export interface ResolvedTraceOptions {
  exporter: TracesExporterName;
  endpoint: string;
  protocol: OtlpProtocol;
  jaeger: {
    endpoint: string;
    agentHost: string | undefined;
    agentPort: number;
  };
  sampler: ResolvedSampler;
  incomingContext: IncomingContextPolicy;
  /** Trace context and baggage formats read and written (`OTEL_PROPAGATORS`). */
  propagators: readonly PropagatorName[];
  /** One OTLP request's deadline (`OTEL_EXPORTER_OTLP_TRACES_TIMEOUT` / `OTEL_EXPORTER_OTLP_TIMEOUT`). */
  timeoutMillis: number;
  /** OTLP request headers (`OTEL_EXPORTER_OTLP_HEADERS`, then `OTEL_EXPORTER_OTLP_TRACES_HEADERS`). */
  headers: Record<string, string>;
  /** The batch span processor's bounds (`OTEL_BSP_*`). */
  batch: {
    scheduledDelayMillis: number;
    exportTimeoutMillis: number;
    maxQueueSize: number;
    maxExportBatchSize: number;
  };
  rawStatements: boolean;
  tailSampling: boolean;
}

/** Bounds of the `OTEL_*` numbers: a timeout beyond ten minutes was most likely meant in seconds. */
const MAX_TIMEOUT_MS = 600_000;
/** One OTLP request's deadline unless a variable sets it. */
const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_QUEUE_SIZE = 1_000_000;
const POLICIES: readonly IncomingContextPolicy[] = ['trust', 'distrust'];

const EXPORTERS: readonly TracesExporterName[] = [
  'otlp',
  'jaeger',
  'console',
  'none',
];

/** Applies option > `OTEL_*` > default for the traces section, collecting problems. */
export function resolveTraceOptions(
  options: TraceOptions = {},
  env: Env,
  problems: ConfigProblem[],
): ResolvedTraceOptions {
  const exporter =
    options.exporter ??
    nonEmpty(env.OTEL_TRACES_EXPORTER)?.split(',')[0]?.trim() ??
    'otlp';
  if (!(EXPORTERS as readonly string[]).includes(exporter)) {
    problems.push({
      path:
        options.exporter !== undefined
          ? 'traces.exporter'
          : 'OTEL_TRACES_EXPORTER',
      message: `must be one of ${EXPORTERS.join(', ')} (got ${JSON.stringify(exporter)})`,
    });
  }
  const otlp = resolveOtlpTarget('traces', options, 'traces', env, problems);
  const jaegerEndpoint =
    options.jaeger?.endpoint ??
    nonEmpty(env.OTEL_EXPORTER_JAEGER_ENDPOINT) ??
    'http://localhost:14268/api/traces';
  checkUrl(
    jaegerEndpoint,
    options.jaeger?.endpoint !== undefined
      ? 'traces.jaeger.endpoint'
      : 'OTEL_EXPORTER_JAEGER_ENDPOINT',
    problems,
  );
  const agentHost =
    options.jaeger?.agentHost ?? nonEmpty(env.OTEL_EXPORTER_JAEGER_AGENT_HOST);
  const agentPortRaw =
    options.jaeger?.agentPort ??
    nonEmpty(env.OTEL_EXPORTER_JAEGER_AGENT_PORT) ??
    6832;
  const agentPort = Number(agentPortRaw);
  if (!Number.isInteger(agentPort) || agentPort < 1 || agentPort > 65535) {
    problems.push({
      path:
        options.jaeger?.agentPort !== undefined
          ? 'traces.jaeger.agentPort'
          : 'OTEL_EXPORTER_JAEGER_AGENT_PORT',
      message: `must be an integer from 1 to 65535 (got ${JSON.stringify(agentPortRaw)})`,
    });
  }

  return {
    exporter: exporter as TracesExporterName,
    endpoint: otlp.endpoint,
    protocol: otlp.protocol,
    jaeger: { endpoint: jaegerEndpoint, agentHost, agentPort },
    sampler: resolveSampler(options.sampleRatio, env, problems),
    incomingContext: resolveIncomingContext(
      options.incomingContext,
      env,
      problems,
    ),
    propagators: resolvePropagators(env, problems),
    timeoutMillis: otlp.timeoutMillis ?? DEFAULT_TIMEOUT_MS,
    headers: otlp.headers,
    batch: resolveBatch(env, problems),
    rawStatements:
      options.rawStatements ??
      parseBooleanEnv(env, 'PRS_TRACES_RAW_STATEMENTS', problems) ??
      false,
    tailSampling:
      options.tailSampling ??
      parseBooleanEnv(env, 'PRS_TRACES_TAIL_SAMPLING', problems) ??
      false,
  };
}

function resolveIncomingContext(
  option: IncomingContextPolicy | undefined,
  env: Env,
  problems: ConfigProblem[],
): IncomingContextPolicy {
  const raw =
    option ??
    nonEmpty(env.PRS_TRACES_INCOMING_CONTEXT)?.toLowerCase() ??
    'trust';
  if ((POLICIES as readonly string[]).includes(raw))
    return raw as IncomingContextPolicy;
  problems.push({
    path:
      option !== undefined
        ? 'traces.incomingContext'
        : 'PRS_TRACES_INCOMING_CONTEXT',
    message: `must be "trust" or "distrust" (got ${JSON.stringify(String(raw).slice(0, 40))})`,
  });
  return 'trust';
}

// Our defaults differ from OpenTelemetry's on purpose: a one-second delay keeps traces
// fresh in Jaeger, and 2,048 queued spans bound the memory an unreachable collector costs.
function resolveBatch(
  env: Env,
  problems: ConfigProblem[],
): ResolvedTraceOptions['batch'] {
  const int = (name: string, min: number, max: number) =>
    parseIntegerEnv(env, name, min, max, problems);
  const maxQueueSize = int('OTEL_BSP_MAX_QUEUE_SIZE', 1, MAX_QUEUE_SIZE);
  const maxExportBatchSize = int(
    'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
    1,
    MAX_QUEUE_SIZE,
  );
  const batch = {
    scheduledDelayMillis:
      int('OTEL_BSP_SCHEDULE_DELAY', 0, MAX_TIMEOUT_MS) ?? 1_000,
    exportTimeoutMillis:
      int('OTEL_BSP_EXPORT_TIMEOUT', 1, MAX_TIMEOUT_MS) ?? 10_000,
    maxQueueSize: maxQueueSize ?? 2_048,
    maxExportBatchSize: maxExportBatchSize ?? 512,
  };
  if (
    maxExportBatchSize !== undefined &&
    maxExportBatchSize > batch.maxQueueSize
  )
    problems.push({
      path: 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
      message: `must not exceed the queue size (OTEL_BSP_MAX_QUEUE_SIZE, ${batch.maxQueueSize}; got ${maxExportBatchSize})`,
    });
  else if (batch.maxExportBatchSize > batch.maxQueueSize)
    batch.maxExportBatchSize = batch.maxQueueSize;
  return batch;
}

function checkUrl(
  value: string,
  path: string,
  problems: ConfigProblem[],
): void {
  if (!isHttpUrl(value))
    problems.push({
      path,
      message: `must be an http(s) URL (got ${JSON.stringify(value)})`,
    });
}
