import type { MetricsAuthOptions } from './observability-options.interface';

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
}
