/** Injection token of the running SDK the module attached to ({@link RunningSdk}). */
export const OBSERVABILITY_SDK = 'OBSERVABILITY:SDK';
