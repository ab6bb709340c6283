import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import {
  envDetector,
  hostDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import { AggregationType } from '@opentelemetry/sdk-metrics';
import { NodeSDK, tracing } from '@opentelemetry/sdk-node';
import {
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
} from '@opentelemetry/semantic-conventions';
import {
  createInstrumentations,
  INSTRUMENTATION_SCOPES,
} from './instrumentations';
import { registerLoaderHook } from './loader-hook';
import { getRunningSdk, setRunningSdk, type RunningSdk } from './running-sdk';
import {
  resolveSdkOptions,
  type ResolvedSdkOptions,
  type StartObservabilityOptions,
} from './sdk-options';

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
  if (resolved.disabled) {
    const disabled: RunningSdk = {
      options: resolved,
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
  });
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: resolved.serviceName,
      ...(resolved.serviceVersion
        ? { [ATTR_SERVICE_VERSION]: resolved.serviceVersion }
        : {}),
    }),
    // The process detector is left out on purpose: it copies the command line into every span.
    resourceDetectors: [envDetector, hostDetector],
    metricReaders: [metricReader],
    // The auto-instrumentations' own semconv metrics duplicate the prs_* contract at
    // several times its cost and cardinality; the contract's instruments are ours.
    views: INSTRUMENTATION_SCOPES.map((meterName) => ({
      meterName,
      aggregation: { type: AggregationType.DROP },
    })),
    spanProcessors: createSpanProcessors(resolved),
    instrumentations: createInstrumentations(resolved.instrumentations),
  });
  sdk.start();

  let stopping: Promise<void> | undefined;
  const started: RunningSdk = {
    options: resolved,
    metricReader,
    shutdown: (timeoutMs = DEFAULT_SHUTDOWN_TIMEOUT_MS) =>
      (stopping ??= withDeadline(sdk.shutdown(), timeoutMs)),
  };
  setRunningSdk(started);
  return started;
}

function createSpanProcessors(
  options: ResolvedSdkOptions,
): tracing.SpanProcessor[] {
  const { exporter, endpoint } = options.traces;
  if (exporter === 'none') return [];
  const spanExporter =
    exporter === 'console'
      ? new tracing.ConsoleSpanExporter()
      : new OTLPTraceExporter({ url: endpoint, timeoutMillis: 10_000 });
  // Explicit bounds: at most 2,048 spans wait in memory; beyond that they are dropped.
  return [
    new tracing.BatchSpanProcessor(spanExporter, {
      maxQueueSize: 2048,
      maxExportBatchSize: 512,
      scheduledDelayMillis: 1_000,
      exportTimeoutMillis: 10_000,
    }),
  ];
}

function withDeadline(work: Promise<void>, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    timer.unref();
    work.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      () => {
        clearTimeout(timer);
        resolve();
      },
    );
  });
}
