/** Injection token of the process's {@link LogPipeline} (internal). */
export const LOG_PIPELINE = 'OBSERVABILITY:LOG_PIPELINE';
