export { ObservabilityModule } from './observability.module';
export {
  OPTIONS_TYPE as ObservabilityModuleSyncOptions,
  ASYNC_OPTIONS_TYPE as ObservabilityModuleAsyncOptions,
} from './observability.module-definition';
export {
  OBSERVABILITY_OPTIONS,
  OBSERVABILITY_SDK,
} from './observability.constants';
export type {
  HttpMetricsOptions,
  MetricsAuthOptions,
  MetricsOptions,
  ObservabilityModuleOptions,
} from './options/observability-options.interface';
export type { ResolvedObservabilityOptions } from './options/resolved-options';
export { DEFAULT_OPTIONS } from './options/default-options';
export { PrsMetrics, type ActiveUsersSource } from './metrics/prs-metrics';
export {
  METRIC_SUFFIXES,
  UNMATCHED_ENDPOINT,
  OVERFLOW_LABEL_VALUE,
  OTHER_METHOD,
  ABORTED_STATUS_CODE,
} from './metrics/metric-names';
export { HttpObservabilityService } from './http/http-observability.service';
export {
  ObservabilityConfigError,
  type ConfigProblem,
} from './errors/observability-config.error';
export { ObservabilityBootstrapError } from './errors/observability-bootstrap.error';
export { getRunningSdk, type RunningSdk } from './sdk/running-sdk';
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
export { HealthLifecycleService } from './health/health-lifecycle.service';
export type * from './health/health-options.interface';
export type * from './health/health-targets.interface';
export type { ResolvedHealthOptions } from './health/resolved-health-options';
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
  UserIdExtractor,
} from './active-users/active-users-options.interface';
export { ObservabilityLogger } from './logging/observability-logger';
export {
  type SecurityEventDetails,
  SecurityLogger,
} from './logging/security-logger';
export { CorrelationId, RequestContext } from './logging/request-context';
export { CORRELATION_ID_ATTRIBUTE } from './logging/request-scope';
export { REDACTED } from './logging/redactor';
export type {
  LogFileOptions,
  LoggingOptions,
  LogLevelName,
  LogUserExtractor,
  ResolvedLoggingOptions,
} from './logging/logging-options.interface';
