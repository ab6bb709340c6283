/** Injection token of the health options slice ({@link HealthConfig}). */
export const HEALTH_OPTIONS = 'OBSERVABILITY:HEALTH_OPTIONS';
