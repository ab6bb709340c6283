/** Injection token of the process's {@link LogPipeline} (internal). */
export const LOG_PIPELINE = 'OBSERVABILITY:LOG_PIPELINE';

/** Injection token of the logging options slice ({@link LoggingConfig}). */
export const LOGGING_OPTIONS = 'OBSERVABILITY:LOGGING_OPTIONS';

/** Injection token of the request-scope observer, or `null` with logging off. */
export const REQUEST_SCOPE_OBSERVER = 'OBSERVABILITY:REQUEST_SCOPE_OBSERVER';

/**
 * The Nest logger context of the SDK's own diagnostics (telemetry failures, bootstrap
 * checks). Its lines describe the SDK, not the request that happened to be active, so
 * they carry no `correlation_id`, `trace_id` or `span_id`.
 */
export const SDK_LOGGER_CONTEXT = 'Observability';
