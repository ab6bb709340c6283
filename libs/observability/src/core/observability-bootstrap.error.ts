/**
 * Thrown at bootstrap when the module cannot attach to a running
 * OpenTelemetry SDK (it was not preloaded, or was started too late).
 */
export class ObservabilityBootstrapError extends Error {
  override readonly name = 'ObservabilityBootstrapError';
}
