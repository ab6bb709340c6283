/**
 * `@prs/nestjs-observability`: what a Nest app imports. Start the SDK first with the
 * preload (`node --import @prs/nestjs-observability/register`) or
 * `@prs/nestjs-observability/sdk`; then import {@link ObservabilityModule}.
 *
 * Everything exported here is public API, recorded in `libs/observability/api/`;
 * nothing else in the package is.
 */
export { ObservabilityModule } from './observability.module';
export type {
  ObservabilityModuleAsyncOptions,
  ObservabilityModuleSyncOptions,
} from './observability.module-definition';
export type {
  HttpMetricsOptions,
  MetricsAuthOptions,
  MetricsOptions,
  ObservabilityModuleOptions,
  TracingLinkOptions,
} from './options/observability-options.interface';
export {
  ObservabilityConfigError,
  type ConfigProblem,
} from './core/observability-config.error';
export { ObservabilityBootstrapError } from './core/observability-bootstrap.error';
export { getRunningSdk, type RunningSdk } from './sdk/running-sdk';

// Service level objectives (docs/slo.md)
export type { SloObjective, SloOptions } from './slo/slo-options.interface';
export { readSloFile } from './slo/slo-file';

// Metrics
export { PrsMetrics } from './metrics/prs-metrics';
export type { ActiveUsersSource } from './metrics/instruments/active-users-metrics';
export {
  METRIC_SUFFIXES,
  OVERFLOW_LABEL_VALUE,
  UNMATCHED_ENDPOINT,
} from './core/metric-names';

// Health
export { PostgresHealthIndicator } from './health/indicators/postgres.health';
export { RedisHealthIndicator } from './health/indicators/redis.health';
export { DiskSpaceHealthIndicator } from './health/indicators/disk-space.health';
export { SmtpHealthIndicator } from './health/indicators/smtp.health';
export { S3HealthIndicator } from './health/indicators/s3.health';
export { ApplicationHealthIndicator } from './health/indicators/application.health';
export {
  HealthReportService,
  type HealthResponse,
} from './health/health-report.service';
export type * from './health/health-options.interface';
export type * from './health/health-targets.interface';

// Business events and active users
export { TrackBusinessEvent } from './business-events/track-business-event.decorator';
export type {
  BusinessEventAttributes,
  BusinessEventOutcome,
  BusinessEventStatus,
  TrackBusinessEventOptions,
} from './business-events/track-business-event.options';
export {
  BusinessEvents,
  type BusinessEventReport,
} from './business-events/business-events.service';
export {
  PRS_EVENT_TYPES,
  UNDECLARED_EVENT_TYPE,
} from './business-events/business-event.constants';
export type { BusinessEventsOptions } from './business-events/business-events-options.interface';
export { ActiveUsers } from './active-users/active-users.service';
export {
  ACTIVE_USERS_CLOCK,
  type ActiveUsersClock,
} from './active-users/active-users.constants';
export type {
  ActiveUsersCountSource,
  ActiveUsersOptions,
  RedisActiveUsersOptions,
  UserIdExtractor,
} from './active-users/active-users-options.interface';
export type { ActiveUsersRedisClient } from './active-users/redis-active-user-store';

// Logging
export { ObservabilityLogger } from './logging/observability-logger';
export {
  type SecurityEventDetails,
  SecurityLogger,
} from './logging/security-logger';
export { CorrelationId, RequestContext } from './core/request-context';
export { CORRELATION_ID_ATTRIBUTE } from './logging/request-scope';
export { REDACTED } from './logging/redactor';
export type {
  LogFileOptions,
  LoggingOptions,
  LogLevelName,
  LogUserExtractor,
} from './logging/logging-options.interface';
