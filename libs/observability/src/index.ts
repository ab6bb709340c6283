export { ObservabilityModule } from './observability.module';
export { OPTIONS_TYPE as ObservabilityModuleSyncOptions, ASYNC_OPTIONS_TYPE as ObservabilityModuleAsyncOptions } from './observability.module-definition';
export { OBSERVABILITY_OPTIONS, OBSERVABILITY_SDK } from './observability.constants';
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
export { ObservabilityConfigError, type ConfigProblem } from './errors/observability-config.error';
export { ObservabilityBootstrapError } from './errors/observability-bootstrap.error';
export { getRunningSdk, type RunningSdk } from './sdk/running-sdk';
