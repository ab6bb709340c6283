/** Injection token of the metrics options slice ({@link MetricsConfig}). */
export const METRICS_OPTIONS = 'OBSERVABILITY:METRICS_OPTIONS';

/** Injection token of the HTTP metrics observer, or `null` when nothing is counted. */
export const HTTP_METRICS_OBSERVER = 'OBSERVABILITY:HTTP_METRICS_OBSERVER';
