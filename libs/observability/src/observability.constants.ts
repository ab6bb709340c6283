/** Injection token of the validated module options ({@link ResolvedObservabilityOptions}). */
export const OBSERVABILITY_OPTIONS = 'OBSERVABILITY:OPTIONS';
/** Injection token of the running SDK the module attached to ({@link RunningSdk}). */
export const OBSERVABILITY_SDK = 'OBSERVABILITY:SDK';
