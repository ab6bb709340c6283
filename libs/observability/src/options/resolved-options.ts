import type { ResolvedActiveUsersOptions } from '../active-users/active-users-options.interface';
import type { ResolvedBusinessEventsOptions } from '../business-events/business-events-options.interface';
import type { ResolvedHealthOptions } from '../health/resolved-health-options';
import type { ResolvedLoggingOptions } from '../logging/logging-options.interface';
import type {
  ResolvedHttpMetricsOptions,
  ResolvedMetricsOptions,
} from '../metrics/metrics-options.interface';
import type { SloConfig } from '../slo/slo-options.interface';

/** Module options after validation, with every default applied. */
export interface ResolvedObservabilityOptions {
  metrics: ResolvedMetricsOptions;
  http: ResolvedHttpMetricsOptions;
  businessEvents: ResolvedBusinessEventsOptions;
  activeUsers: ResolvedActiveUsersOptions;
  health: ResolvedHealthOptions;
  logging: ResolvedLoggingOptions;
  tracing: { uiUrl: string | undefined };
  /** Service level objectives (when declared) and their problems, reported at bootstrap. */
  slo: SloConfig;
}
