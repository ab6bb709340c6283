/** Injection token of the server span observer, or `null` when requests are not traced. */
export const SERVER_SPAN_OBSERVER = 'OBSERVABILITY:SERVER_SPAN_OBSERVER';
