import type { HealthOptions } from '../health/health-options.interface';
import type { BusinessEventsOptions } from '../business-events/business-events-options.interface';
import type { ActiveUsersOptions } from '../active-users/active-users-options.interface';
import type { LoggingOptions } from '../logging/logging-options.interface';
import type {
  HttpMetricsOptions,
  MetricsOptions,
} from '../metrics/metrics-options.interface';
import type { SloOptions } from '../slo/slo-options.interface';

export type {
  HttpMetricsOptions,
  MetricsAuthOptions,
  MetricsOptions,
} from '../metrics/metrics-options.interface';

/** How logs point at traces. */
export interface TracingLinkOptions {
  /**
   * Base URL of the trace UI (e.g. Jaeger's `http://localhost:16686`). When set, error
   * log lines that carry a `trace_id` also carry `trace_url`: `<uiUrl>/trace/<trace_id>`.
   * @default undefined
   */
  uiUrl?: string;
}

/** Options of `ObservabilityModule.forRoot()` / `forRootAsync()`. */
export interface ObservabilityModuleOptions {
  /** The Prometheus endpoint and naming. */
  metrics?: MetricsOptions;
  /** HTTP request metrics. */
  http?: HttpMetricsOptions;
  /** Declared business event types; see docs/business-events.md. */
  businessEvents?: BusinessEventsOptions;
  /** The `prs_active_users_total` window or source; see docs/business-events.md. */
  activeUsers?: ActiveUsersOptions;
  /** Health probes and indicators; see docs/health.md. */
  health?: HealthOptions;
  /** JSON logs, correlation ids, security and error channels; see docs/logging.md. */
  logging?: LoggingOptions;
  /** Links from logs to traces. */
  tracing?: TracingLinkOptions;
  /**
   * Service level objectives (or `readSloFile('slos.yaml')`): validated at startup,
   * routes included, and turned into rules by `prs-observability slo-rules`; see docs/slo.md.
   * @default undefined
   */
  slo?: SloOptions;
}
