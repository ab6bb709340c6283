/**
 * `@prs/nestjs-observability/sdk`: start the SDK yourself (the no-flag bootstrap).
 * Import nothing else from the app before calling {@link startObservability}.
 */
// First: on an unsupported Node.js, fail with one clear message before OpenTelemetry loads.
import './core/runtime-guard';

export {
  startObservability,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
} from './start-observability';
export { getRunningSdk, type RunningSdk } from './sdk/running-sdk';
export type {
  InstrumentationName,
  MetricsExporterName,
  MetricsExportOptions,
  MetricsTemporality,
  OtlpProtocol,
  StartObservabilityOptions,
  TraceOptions,
  TracesExporterName,
} from './sdk/sdk-options';
export {
  ObservabilityConfigError,
  type ConfigProblem,
} from './core/observability-config.error';
