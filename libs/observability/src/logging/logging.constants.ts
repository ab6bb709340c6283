/** Injection token of the process's {@link LogPipeline} (internal). */
export const LOG_PIPELINE = 'OBSERVABILITY:LOG_PIPELINE';

/** Injection token of the logging options slice ({@link LoggingConfig}). */
export const LOGGING_OPTIONS = 'OBSERVABILITY:LOGGING_OPTIONS';

/** Injection token of the request-scope observer, or `null` with logging off. */
export const REQUEST_SCOPE_OBSERVER = 'OBSERVABILITY:REQUEST_SCOPE_OBSERVER';
