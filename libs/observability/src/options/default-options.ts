import { DEFAULT_ACTIVE_USERS_OPTIONS } from '../active-users/active-users.constants';
import { PRS_EVENT_TYPES } from '../business-events/business-event.constants';
import { DEFAULT_HEALTH_OPTIONS } from '../health/health-defaults';
import { DEFAULT_LOGGING_OPTIONS } from '../logging/logging-defaults';
import { DEFAULT_METRICS_OPTIONS } from '../metrics/validate-metrics-options';

const { durationBuckets, excludePaths, ...metrics } = DEFAULT_METRICS_OPTIONS;

/** Every default in one place, as each capability defines it; the README's option table mirrors this object. */
export const DEFAULT_OPTIONS = {
  metrics,
  http: { durationBuckets, excludePaths },
  businessEvents: { eventTypes: Object.values(PRS_EVENT_TYPES) },
  activeUsers: DEFAULT_ACTIVE_USERS_OPTIONS,
  health: DEFAULT_HEALTH_OPTIONS,
  logging: DEFAULT_LOGGING_OPTIONS,
} as const;
