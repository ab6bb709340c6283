import type { Provider } from '@nestjs/common';
import { metrics } from '@opentelemetry/api';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../core/package-info';
import { PathMatcher } from '../core/path-matcher';
import type { RunningSdk } from '../sdk/running-sdk';
import { OBSERVABILITY_SDK } from '../sdk/sdk.constants';
import { HttpMetricsObserver } from './http-metrics.observer';
import { ActiveUsersMetrics } from './instruments/active-users-metrics';
import { BusinessEventMetrics } from './instruments/business-event-metrics';
import { DependencyMetrics } from './instruments/dependency-metrics';
import { HealthMetrics } from './instruments/health-metrics';
import { HttpMetrics } from './instruments/http-metrics';
import { LogMetrics } from './instruments/log-metrics';
import { MetricBudget } from './instruments/metric-budget';
import type { MetricsConfig } from './metrics-options.interface';
import { HTTP_METRICS_OBSERVER, METRICS_OPTIONS } from './metrics.constants';
import { MetricsService } from './metrics.service';
import { PrsMetrics } from './prs-metrics';
import { RuntimeMetrics } from './runtime-metrics';
import { TelemetryMetrics } from './telemetry-metrics.service';

/** One provider per capability's instruments, all on the shared budget. */
const instrument = <T>(type: new (budget: MetricBudget) => T): Provider => ({
  provide: type,
  useFactory: (budget: MetricBudget) => new type(budget),
  inject: [MetricBudget],
});

/** Providers of the metrics capability, registered by ObservabilityModule. */
export const METRICS_PROVIDERS: Provider[] = [
  {
    // Created once the SDK runs: instruments made before the MeterProvider is
    // registered stay no-ops forever.
    provide: MetricBudget,
    useFactory: (config: MetricsConfig, sdk: RunningSdk) =>
      new MetricBudget(
        metrics.getMeter(PACKAGE_NAME, PACKAGE_VERSION),
        sdk.tallies,
        config.prefix,
        config.seriesLimit,
      ),
    inject: [METRICS_OPTIONS, OBSERVABILITY_SDK],
  },
  {
    provide: HttpMetrics,
    useFactory: (budget: MetricBudget, config: MetricsConfig) =>
      new HttpMetrics(budget, config.http.durationBuckets),
    inject: [MetricBudget, METRICS_OPTIONS],
  },
  instrument(DependencyMetrics),
  instrument(BusinessEventMetrics),
  instrument(ActiveUsersMetrics),
  instrument(HealthMetrics),
  instrument(LogMetrics),
  {
    provide: PrsMetrics,
    useFactory: (
      budget: MetricBudget,
      http: HttpMetrics,
      dependencies: DependencyMetrics,
      businessEvents: BusinessEventMetrics,
      activeUsers: ActiveUsersMetrics,
      health: HealthMetrics,
      logs: LogMetrics,
    ) =>
      new PrsMetrics({
        names: budget.names,
        http,
        dependencies,
        businessEvents,
        activeUsers,
        health,
        logs,
      }),
    inject: [
      MetricBudget,
      HttpMetrics,
      DependencyMetrics,
      BusinessEventMetrics,
      ActiveUsersMetrics,
      HealthMetrics,
      LogMetrics,
    ],
  },
  {
    provide: HTTP_METRICS_OBSERVER,
    useFactory: (
      config: MetricsConfig,
      sdk: RunningSdk,
      http: HttpMetrics,
    ): HttpMetricsObserver | null =>
      config.enabled && sdk.metricsEnabled
        ? new HttpMetricsObserver(
            http,
            new PathMatcher([...config.http.excludePaths, config.path]),
          )
        : null,
    inject: [METRICS_OPTIONS, OBSERVABILITY_SDK, HttpMetrics],
  },
  MetricsService,
  TelemetryMetrics,
  RuntimeMetrics,
];

/** What ObservabilityModule exports of the metrics capability. */
export const METRICS_EXPORTS = [PrsMetrics];
