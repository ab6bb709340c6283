/** Injection token of the validated `slo` option (`SloConfig`). */
export const SLO_OPTIONS = 'OBSERVABILITY:SLO_OPTIONS';
