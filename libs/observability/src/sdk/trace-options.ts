import type { ConfigProblem } from '../core/observability-config.error';
import { type Env, isHttpUrl, nonEmpty, parseBooleanEnv } from './env';

/** OTLP encodings over HTTP (gRPC is not bundled). */
export type OtlpProtocol = 'http/protobuf' | 'http/json';

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
   * Put raw SQL (literals included) on spans. For development only: literals carry personal data.
   * @default `PRS_TRACES_RAW_STATEMENTS === 'true'`, else `false`
   */
  rawStatements?: boolean;
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
  sampler: { parentBased: boolean; ratio: number };
  rawStatements: boolean;
}

const EXPORTERS: readonly TracesExporterName[] = [
  'otlp',
  'jaeger',
  'console',
  'none',
];
const SAMPLERS: Record<string, { parentBased: boolean; ratio?: number }> = {
  always_on: { parentBased: false, ratio: 1 },
  always_off: { parentBased: false, ratio: 0 },
  traceidratio: { parentBased: false },
  parentbased_always_on: { parentBased: true, ratio: 1 },
  parentbased_always_off: { parentBased: true, ratio: 0 },
  parentbased_traceidratio: { parentBased: true },
};

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
  const base = nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  const endpoint =
    options.endpoint ??
    nonEmpty(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) ??
    (base === undefined
      ? undefined
      : `${base.replace(/\/+$/, '')}/v1/traces`) ??
    'http://localhost:4318/v1/traces';
  checkUrl(
    endpoint,
    options.endpoint !== undefined
      ? 'traces.endpoint'
      : 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
    problems,
  );

  const protocol =
    options.protocol ??
    nonEmpty(env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL) ??
    nonEmpty(env.OTEL_EXPORTER_OTLP_PROTOCOL) ??
    'http/protobuf';
  if (protocol !== 'http/protobuf' && protocol !== 'http/json') {
    problems.push({
      path:
        options.protocol !== undefined
          ? 'traces.protocol'
          : env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL !== undefined
            ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'
            : 'OTEL_EXPORTER_OTLP_PROTOCOL',
      message: `must be http/protobuf or http/json (got ${JSON.stringify(protocol)})`,
    });
  }
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
    endpoint,
    protocol: protocol as OtlpProtocol,
    jaeger: { endpoint: jaegerEndpoint, agentHost, agentPort },
    sampler: resolveSampler(options.sampleRatio, env, problems),
    rawStatements:
      options.rawStatements ??
      parseBooleanEnv(env, 'PRS_TRACES_RAW_STATEMENTS', problems) ??
      false,
  };
}

function resolveSampler(
  sampleRatio: number | undefined,
  env: Env,
  problems: ConfigProblem[],
): { parentBased: boolean; ratio: number } {
  if (sampleRatio !== undefined) {
    if (
      typeof sampleRatio !== 'number' ||
      !(sampleRatio >= 0 && sampleRatio <= 1)
    ) {
      problems.push({
        path: 'traces.sampleRatio',
        message: `must be a number from 0 to 1 (got ${JSON.stringify(sampleRatio)})`,
      });
    }
    return { parentBased: true, ratio: sampleRatio };
  }
  const name =
    nonEmpty(env.OTEL_TRACES_SAMPLER)?.toLowerCase() ??
    'parentbased_traceidratio';
  const sampler = SAMPLERS[name];
  if (sampler === undefined) {
    problems.push({
      path: 'OTEL_TRACES_SAMPLER',
      message: `must be one of ${Object.keys(SAMPLERS).join(', ')} (got ${JSON.stringify(env.OTEL_TRACES_SAMPLER)})`,
    });
    return { parentBased: true, ratio: 1 };
  }
  if (sampler.ratio !== undefined)
    return { parentBased: sampler.parentBased, ratio: sampler.ratio };
  const arg = nonEmpty(env.OTEL_TRACES_SAMPLER_ARG);
  const ratio = arg === undefined ? 1 : Number(arg);
  if (!(ratio >= 0 && ratio <= 1)) {
    problems.push({
      path: 'OTEL_TRACES_SAMPLER_ARG',
      message: `must be a number from 0 to 1 (got ${JSON.stringify(arg)})`,
    });
  }
  return { parentBased: sampler.parentBased, ratio };
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
