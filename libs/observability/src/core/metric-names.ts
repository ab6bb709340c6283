/**
 * The metric contract: exposition names without the prefix. `prs_` + these names is
 * what dashboards and alert rules depend on; renaming one is a breaking change.
 */
export const METRIC_SUFFIXES = {
  httpRequests: 'http_requests_total',
  httpRequestDuration: 'http_request_duration_seconds',
  activeUsers: 'active_users_total',
  databaseQueries: 'database_queries_total',
  businessEvents: 'business_events_total',
  seriesOverflow: 'metric_series_overflow_total',
  databaseQueryDuration: 'database_query_duration_seconds',
  cacheOperations: 'cache_operations_total',
  cacheOperationDuration: 'cache_operation_duration_seconds',
  telemetrySpansDropped: 'telemetry_spans_dropped_total',
  telemetryExportFailures: 'telemetry_export_failures_total',
  healthCheckStatus: 'health_check_status',
  healthCheckDuration: 'health_check_duration_seconds',
  logRecordsDropped: 'log_records_dropped_total',
  clusterWorkers: 'cluster_workers',
  clusterWorkerUp: 'cluster_worker_up',
} as const;

/** Full metric names for one prefix. */
export type MetricNames = {
  -readonly [K in keyof typeof METRIC_SUFFIXES]: string;
};

/** Builds the metric names for `prefix` (`prs` → `prs_http_requests_total`, ...). */
export function metricNames(prefix: string): MetricNames {
  const names = {} as MetricNames;
  for (const key of Object.keys(METRIC_SUFFIXES) as (keyof MetricNames)[]) {
    names[key] = `${prefix}_${METRIC_SUFFIXES[key]}`;
  }
  return names;
}

/** `endpoint` label of requests that matched no route. Never a raw path. */
export const UNMATCHED_ENDPOINT = 'unmatched';

/** Label value of every label on the series that absorbs label sets past the budget. */
export const OVERFLOW_LABEL_VALUE = '__overflow__';

/** `method` label for anything outside the standard HTTP methods. */
export const OTHER_METHOD = '_OTHER';

/** `status_code` recorded for requests the client aborted before the response finished. */
export const ABORTED_STATUS_CODE = '499';
