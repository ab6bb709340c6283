/** Injection token of the validated module options ({@link ResolvedObservabilityOptions}). */
export const OBSERVABILITY_OPTIONS = 'OBSERVABILITY:OPTIONS';
