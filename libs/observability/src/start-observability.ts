import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
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
import { createMetricPipeline } from './sdk/metric-pipeline';
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
import { installCrashFlush } from './sdk/crash-flush';
import { tailSamplingWarning } from './sdk/sampling-options';
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
    activeUsersWriteFailures: 0,
    spansExported: 0,
    metricExportFailures: 0,
  };
  const tracingOn = !resolved.disabled && resolved.traces.exporter !== 'none';
  const base = {
    options: resolved,
    stats,
    reporter: new DiagnosticReporter(),
    queries: new RecordHub<QueryRecord>(),
    cacheCommands: new RecordHub<CacheRecord>(),
    // Exemplars only where their trace can be opened: with tracing off no span is exported.
    tallies: new MetricTallies({ exemplars: tracingOn }),
  };
  if (resolved.disabled) {
    const disabled: RunningSdk = {
      ...base,
      metricReader: undefined,
      metricsEnabled: false,
      shutdown: () => Promise.resolve(),
    };
    setRunningSdk(disabled);
    return disabled;
  }

  // Head sampling below 100 % starves a tail-sampling gateway (deploy/kubernetes/README.md).
  const headSamplingWarning = tailSamplingWarning(resolved.traces);
  if (headSamplingWarning !== undefined)
    base.reporter.warn('tail-sampling', headSamplingWarning);

  registerLoaderHook();
  const metricPipeline = createMetricPipeline(
    resolved.metrics,
    base.tallies,
    stats,
    base.reporter,
  );
  const instrumentations = createInstrumentations(base);
  const sdk = new NodeSDK({
    resource: resourceFromAttributes(resourceAttributes(resolved)),
    // The process detector is left out on purpose: it copies the command line into every span.
    resourceDetectors: [envDetector, hostDetector],
    metricReaders: metricPipeline.readers,
    spanProcessors: createSpanProcessors(resolved.traces, stats, base.reporter),
    ...(tracingOn
      ? {
          sampler: createSampler(resolved.traces),
          textMapPropagator: createPropagator(resolved.traces.propagators),
        }
      : {}),
    instrumentations,
  });
  sdk.start();
  silenceInstrumentationMetrics(instrumentations);

  let stopping: Promise<void> | undefined;
  const started: RunningSdk = {
    ...base,
    metricReader: metricPipeline.pull,
    metricsEnabled: metricPipeline.readers.length > 0,
    shutdown: (timeoutMs = DEFAULT_SHUTDOWN_TIMEOUT_MS) => {
      crashFlush?.dispose();
      return (stopping ??= shutdownSdk(sdk, started, timeoutMs));
    },
  };
  // A crash flushes what is queued (bounded), then dies as Node would; see README#crashes.
  const crashFlush =
    resolved.crashFlushTimeoutMs > 0
      ? installCrashFlush(
          (timeoutMs) => started.shutdown(timeoutMs),
          resolved.crashFlushTimeoutMs,
        )
      : undefined;
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
  // Cluster workers push their own series (docs/cluster.md), unless the env names the instance.
  if (
    cluster.isWorker &&
    !/(^|,)\s*service\.instance\.id\s*=/.test(
      process.env.OTEL_RESOURCE_ATTRIBUTES ?? '',
    )
  )
    attributes['service.instance.id'] = randomUUID();
  if (options.environment) {
    attributes['deployment.environment.name'] = options.environment;
    // The pre-1.27 key, which Jaeger UIs and older dashboards still filter on.
    attributes['deployment.environment'] = options.environment;
  }
  return attributes;
}
