/**
 * `@prs/nestjs-observability/testing`: test your app's telemetry in Jest without the
 * preload, Prometheus or a trace receiver. Import {@link ObservabilityTestingModule}
 * into `Test.createTestingModule()`, then read what was recorded with
 * {@link TestTelemetry}. See README "Testing your telemetry".
 */
export {
  ObservabilityTestingModule,
  type ObservabilityTestingOptions,
} from './observability-testing.module';
export {
  TestTelemetry,
  type BusinessEventCount,
} from './testing/test-telemetry';
export { TelemetryExpectationError } from './testing/telemetry-expectation.error';
export {
  instrumentForTests,
  type InstrumentForTestsOptions,
} from './testing/instrument-for-tests';
export type { TestingSdkOptions } from './testing/testing-sdk';
export type { LogLine } from './testing/log-lines';
export type { Labels, MetricSeries } from './testing/metric-series';
export type {
  RecordedSpan,
  SpanMatch,
  SpanTreeNode,
} from './testing/recorded-spans';
export type { Expected } from './testing/matching';
