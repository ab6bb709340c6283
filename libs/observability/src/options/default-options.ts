import { DEFAULT_HEALTH_OPTIONS } from '../health/health-defaults';
import { DEFAULT_LOGGING_OPTIONS } from '../logging/logging-defaults';

/** Every default in one place; the README's option table mirrors this object. */
export const DEFAULT_OPTIONS = {
  metrics: {
    enabled: true,
    prefix: 'prs',
    path: '/metrics',
    host: '127.0.0.1',
    seriesLimit: 1000,
  },
  http: {
    durationBuckets: [
      0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 2.5, 5, 10,
    ],
    excludePaths: [
      '/api/health',
      '/api/health/',
      '/health/ready',
      '/health/live',
    ],
  },
  businessEvents: {
    eventTypes: [
      'user_login',
      'deal_creation',
      'payment_processing',
      'commission_calculation',
    ],
  },
  activeUsers: {
    windowMs: 30 * 60 * 1000,
    maxTracked: 10_000,
    sourceTimeoutMs: 2_000,
  },
  health: DEFAULT_HEALTH_OPTIONS,
  logging: DEFAULT_LOGGING_OPTIONS,
} as const;

/**
 * OpenTelemetry's SDK folds attribute sets past 2,000 per metric into its own
 * `otel_metric_overflow` series; our budget must stay below it so ours is the one that applies.
 */
export const MAX_SERIES_LIMIT = 1999;
