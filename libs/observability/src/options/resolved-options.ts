import type { ResolvedHealthOptions } from '../health/resolved-health-options';
import type { MetricsAuthOptions } from './observability-options.interface';
import type { ResolvedBusinessEventsOptions } from '../business-events/business-events-options.interface';
import type { ResolvedActiveUsersOptions } from '../active-users/active-users-options.interface';
import type { ResolvedLoggingOptions } from '../logging/logging-options.interface';

/** Module options after validation, with every default applied. */
export interface ResolvedObservabilityOptions {
  metrics: {
    enabled: boolean;
    prefix: string;
    path: string;
    port: number | undefined;
    host: string;
    auth: MetricsAuthOptions | undefined;
    seriesLimit: number;
  };
  http: {
    durationBuckets: number[];
    excludePaths: string[];
  };
  businessEvents: ResolvedBusinessEventsOptions;
  activeUsers: ResolvedActiveUsersOptions;
  health: ResolvedHealthOptions;
  logging: ResolvedLoggingOptions;
  tracing: { uiUrl: string | undefined };
}
