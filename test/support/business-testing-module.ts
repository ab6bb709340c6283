import type { ModuleMetadata } from '@nestjs/common';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import { context, trace, type Meter } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  TracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace';
import { ACTIVE_USERS_PROVIDERS } from '../../libs/observability/src/active-users/active-users.providers';
import { BUSINESS_EVENTS_PROVIDERS } from '../../libs/observability/src/business-events/business-events.providers';
import { MetricTallies } from '../../libs/observability/src/core/metric-tallies';
import { ActiveUsersMetrics } from '../../libs/observability/src/metrics/instruments/active-users-metrics';
import { BusinessEventMetrics } from '../../libs/observability/src/metrics/instruments/business-event-metrics';
import { MetricBudget } from '../../libs/observability/src/metrics/instruments/metric-budget';
import type { ObservabilityModuleOptions } from '../../libs/observability/src/options/observability-options.interface';
import { OPTION_SLICE_PROVIDERS } from '../../libs/observability/src/options/option-slices';
import { OBSERVABILITY_OPTIONS } from '../../libs/observability/src/options/options.constants';
import type { ResolvedObservabilityOptions } from '../../libs/observability/src/options/resolved-options';
import { resolveModuleOptions } from '../../libs/observability/src/options/validate-options';

/** A pull reader for `collect()` in tests. */
class TestReader extends MetricReader {
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** Metrics and spans captured in the Jest process. */
export interface InProcessTelemetry {
  meter: Meter;
  /** The per-request `prs_*` tallies, collected by `reader` with the meter's instruments. */
  tallies: MetricTallies;
  reader: MetricReader;
  spans: InMemorySpanExporter;
  /** Shuts the providers down and resets the OpenTelemetry globals. */
  shutdown(): Promise<void>;
}

/**
 * An in-process MeterProvider and a global tracer provider with an in-memory span
 * exporter and an AsyncLocalStorage context manager. `startObservability()` cannot
 * run in Jest 30: its loader hook calls `module.register()`, which Jest refuses.
 */
export function startInProcessTelemetry(): InProcessTelemetry {
  const tallies = new MetricTallies();
  const reader = new TestReader({ metricProducers: [tallies] });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const spans = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({
    spanProcessors: [new SimpleSpanProcessor({ exporter: spans })],
  });
  context.setGlobalContextManager(
    new AsyncLocalStorageContextManager().enable(),
  );
  trace.setGlobalTracerProvider(tracerProvider);
  return {
    meter: meterProvider.getMeter('@prs/nestjs-observability'),
    tallies,
    reader,
    spans,
    async shutdown() {
      await meterProvider.shutdown();
      await tracerProvider.shutdown();
      trace.disable();
      context.disable();
    },
  };
}

/**
 * A testing module with what ObservabilityModule provides for business events and
 * active users, recording on `telemetry`'s meter and tallies. In-process Jest cannot
 * load the full module on Node 20: `@nestjs/terminus` is ESM-only and Jest's CommonJS runtime cannot `require()`
 * it there. The fixture-process e2e tests use the real module.
 */
export function businessTestingModule(
  { meter, tallies }: Pick<InProcessTelemetry, 'meter' | 'tallies'>,
  options: ObservabilityModuleOptions,
  metadata: ModuleMetadata = {},
): TestingModuleBuilder {
  return Test.createTestingModule({
    ...metadata,
    providers: [
      {
        provide: OBSERVABILITY_OPTIONS,
        useValue: resolveModuleOptions(options),
      },
      ...OPTION_SLICE_PROVIDERS,
      {
        provide: MetricBudget,
        useFactory: (resolved: ResolvedObservabilityOptions) =>
          new MetricBudget(
            meter,
            tallies,
            resolved.metrics.prefix,
            resolved.metrics.seriesLimit,
          ),
        inject: [OBSERVABILITY_OPTIONS],
      },
      {
        provide: BusinessEventMetrics,
        useFactory: (budget: MetricBudget) => new BusinessEventMetrics(budget),
        inject: [MetricBudget],
      },
      {
        provide: ActiveUsersMetrics,
        useFactory: (budget: MetricBudget) => new ActiveUsersMetrics(budget),
        inject: [MetricBudget],
      },
      ...BUSINESS_EVENTS_PROVIDERS,
      ...ACTIVE_USERS_PROVIDERS,
      ...(metadata.providers ?? []),
    ],
  });
}
