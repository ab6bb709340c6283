import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import {
  envDetector,
  hostDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
} from '@opentelemetry/semantic-conventions';
import { MetricTallies } from './core/metric-tallies';
import { DiagnosticReporter, type TelemetryStats } from './sdk/diagnostics';
import {
  createInstrumentations,
  silenceInstrumentationMetrics,
} from './instrumentation/instrumentations';
import { registerLoaderHook } from './instrumentation/loader-hook';
import { RecordHub } from './sdk/record-hub';
import {
  getRunningSdk,
  setRunningSdk,
  type CacheRecord,
  type QueryRecord,
  type RunningSdk,
} from './sdk/running-sdk';
import {
  resolveSdkOptions,
  type ResolvedSdkOptions,
  type StartObservabilityOptions,
} from './sdk/sdk-options';
import { shutdownSdk } from './sdk/shutdown';
import {
  createPropagator,
  createSampler,
  createSpanProcessors,
} from './sdk/trace-pipeline';

/** How long shutdown waits for the last export unless told otherwise. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 5_000;

/**
 * Starts the OpenTelemetry NodeSDK: metrics for `/metrics`, traces, and the
 * auto-instrumentations. Call it before anything imports Nest, pg, ioredis or
 * express/fastify; `@prs/nestjs-observability/register` does exactly that.
 *
 * Idempotent: a second call returns the SDK already running and ignores its options.
 * Throws {@link ObservabilityConfigError} listing every invalid option or `OTEL_*` variable.
 *
 * @example
 * ```ts
 * // main.ts: the no-flag alternative to `node --import .../register`
 * import { startObservability } from '@prs/nestjs-observability/sdk';
 * startObservability({ serviceName: 'prs-backend' });
 * await import('./app.js');
 * ```
 */
export function startObservability(
  options: StartObservabilityOptions = {},
): RunningSdk {
  const running = getRunningSdk();
  if (running) return running;

  const resolved = resolveSdkOptions(options);
  const stats: TelemetryStats = {
    spansDropped: 0,
    spanExportFailures: 0,
    spansExported: 0,
  };
  const base = {
    options: resolved,
    stats,
    reporter: new DiagnosticReporter(),
    queries: new RecordHub<QueryRecord>(),
    cacheCommands: new RecordHub<CacheRecord>(),
    tallies: new MetricTallies(),
  };
  if (resolved.disabled) {
    const disabled: RunningSdk = {
      ...base,
      metricReader: undefined,
      shutdown: () => Promise.resolve(),
    };
    setRunningSdk(disabled);
    return disabled;
  }

  registerLoaderHook();
  // No scope labels and no target_info: the latter would publish the process command line.
  const metricReader = new PrometheusExporter({
    preventServerStart: true,
    withoutScopeInfo: true,
    withoutTargetInfo: true,
    metricProducers: [base.tallies],
  });
  const tracingOn = resolved.traces.exporter !== 'none';
  const instrumentations = createInstrumentations(base);
  const sdk = new NodeSDK({
    resource: resourceFromAttributes(resourceAttributes(resolved)),
    // The process detector is left out on purpose: it copies the command line into every span.
    resourceDetectors: [envDetector, hostDetector],
    metricReaders: [metricReader],
    spanProcessors: createSpanProcessors(resolved.traces, stats, base.reporter),
    ...(tracingOn
      ? {
          sampler: createSampler(resolved.traces),
          textMapPropagator: createPropagator(),
        }
      : {}),
    instrumentations,
  });
  sdk.start();
  silenceInstrumentationMetrics(instrumentations);

  let stopping: Promise<void> | undefined;
  const started: RunningSdk = {
    ...base,
    metricReader,
    shutdown: (timeoutMs = DEFAULT_SHUTDOWN_TIMEOUT_MS) =>
      (stopping ??= shutdownSdk(sdk, started, timeoutMs)),
  };
  setRunningSdk(started);
  return started;
}

function resourceAttributes(
  options: ResolvedSdkOptions,
): Record<string, string> {
  const attributes: Record<string, string> = {
    [ATTR_SERVICE_NAME]: options.serviceName,
  };
  if (options.serviceVersion)
    attributes[ATTR_SERVICE_VERSION] = options.serviceVersion;
  if (options.environment) {
    attributes['deployment.environment.name'] = options.environment;
    // The pre-1.27 key, which Jaeger UIs and older dashboards still filter on.
    attributes['deployment.environment'] = options.environment;
  }
  return attributes;
}
