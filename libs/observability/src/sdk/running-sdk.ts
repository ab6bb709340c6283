import type { SpanContext } from '@opentelemetry/api';
import type { MetricReader } from '@opentelemetry/sdk-metrics';
import type { MetricTallies } from '../core/metric-tallies';
import type { DiagnosticReporter, TelemetryStats } from './diagnostics';
import type { RecordHub } from './record-hub';
import type { ResolvedSdkOptions } from './sdk-options';

/** One finished database query, as the pg instrumentation saw it. */
export interface QueryRecord {
  /** `select|insert|update|delete|other`, or `error` when the query failed. */
  operation: string;
  table: string;
  seconds: number;
  /** The query's span, when one was recorded: its ids become the duration's exemplar. */
  span?: SpanContext;
}

/** One finished cache (Redis) command. */
export interface CacheRecord {
  /** Lower-case command name (`get`, `set`, ...). */
  command: string;
  status: 'success' | 'error';
  seconds: number;
}

/**
 * What the preload started, as the Nest module sees it. It lives on `globalThis`
 * under a registered symbol, the way `@opentelemetry/api` keeps its globals, so the
 * preload and the app find the same instance even if the package is loaded twice.
 */
export interface RunningSdk {
  /** The resolved options the SDK was started with. */
  readonly options: ResolvedSdkOptions;
  /**
   * The pull reader that `/metrics` collects from; absent when the SDK is disabled or
   * `prometheus` is not among the metrics exporters.
   */
  readonly metricReader: MetricReader | undefined;
  /** Whether any metric reader (pull or push) collects: when not, nothing is recorded. */
  readonly metricsEnabled: boolean;
  /** The per-request `prs_*` tallies; every reader collects them. */
  readonly tallies: MetricTallies;
  /** Counters of dropped and failed telemetry. */
  readonly stats: TelemetryStats;
  /** Rate-limited warnings about telemetry failures. */
  readonly reporter: DiagnosticReporter;
  /** Database queries seen by the pg instrumentation. */
  readonly queries: RecordHub<QueryRecord>;
  /** Cache commands seen by the ioredis instrumentation. */
  readonly cacheCommands: RecordHub<CacheRecord>;
  /**
   * Where the main log stream's "stdout" bytes go instead of file descriptor 1; set by
   * the testing kit (`@prs/nestjs-observability/testing`) to capture the log lines.
   */
  readonly stdout?: LogCapture;
  /** Flushes and stops every signal, giving up after `timeoutMs`. */
  shutdown(timeoutMs?: number): Promise<void>;
}

/** Takes the bytes of whole log lines, synchronously; returns how many it took. */
export interface LogCapture {
  write(data: Buffer): number;
}

const RUNNING_SDK = Symbol.for('@prs/nestjs-observability:running-sdk');

type GlobalWithSdk = typeof globalThis & { [RUNNING_SDK]?: RunningSdk };

/** The SDK started by the preload or `startObservability()`, if any. */
export function getRunningSdk(): RunningSdk | undefined {
  return (globalThis as GlobalWithSdk)[RUNNING_SDK];
}

/** @internal */
export function setRunningSdk(sdk: RunningSdk | undefined): void {
  (globalThis as GlobalWithSdk)[RUNNING_SDK] = sdk;
}
