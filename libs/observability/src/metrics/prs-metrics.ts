import type { MetricNames } from '../core/metric-names';
import type {
  ActiveUsersMetrics,
  ActiveUsersSource,
} from './instruments/active-users-metrics';
import type { BusinessEventMetrics } from './instruments/business-event-metrics';
import type { DependencyMetrics } from './instruments/dependency-metrics';
import type { HealthMetrics } from './instruments/health-metrics';
import type { HttpMetrics } from './instruments/http-metrics';
import type { LogMetrics } from './instruments/log-metrics';

export type { ActiveUsersSource } from './instruments/active-users-metrics';

/** Each capability's instruments, as the metrics providers create them. */
export interface PrsInstruments {
  readonly names: MetricNames;
  readonly http: HttpMetrics;
  readonly dependencies: DependencyMetrics;
  readonly businessEvents: BusinessEventMetrics;
  readonly activeUsers: ActiveUsersMetrics;
  readonly health: HealthMetrics;
  readonly logs: LogMetrics;
}

/**
 * The `prs_*` metrics for an app's own code: record database queries it runs outside
 * pg, business events outside the decorator, or plug in where `prs_active_users_total`
 * reads its value. Every label set has a series budget. The SDK's capabilities record
 * through their own instruments; this is the one door for application code.
 *
 * @example
 * ```ts
 * constructor(private readonly metrics: PrsMetrics) {}
 * onModuleInit() { this.metrics.setActiveUsersSource(() => this.sessions.count()); }
 * ```
 */
export class PrsMetrics {
  /** The exposition names in use (prefix applied). */
  readonly names: MetricNames;

  /** @internal Created by the module; inject `PrsMetrics` instead. */
  constructor(private readonly instruments: PrsInstruments) {
    this.names = instruments.names;
  }

  /** Counts one finished (or aborted) HTTP request and observes its duration. */
  recordHttpRequest(
    method: string,
    endpoint: string,
    statusCode: string,
    seconds: number,
  ): void {
    this.instruments.http.record(method, endpoint, statusCode, seconds);
  }

  /** Counts one database query (`operation` is `error` for a failed one) and observes its duration. */
  recordDatabaseQuery(
    operation: string,
    table: string,
    seconds?: number,
  ): void {
    this.instruments.dependencies.recordQuery(operation, table, seconds);
  }

  /** Counts one cache command and observes its duration. */
  recordCacheCommand(
    command: string,
    status: 'success' | 'error',
    seconds: number,
  ): void {
    this.instruments.dependencies.recordCacheCommand(command, status, seconds);
  }

  /** Counts one business event. */
  recordBusinessEvent(eventType: string, status: 'success' | 'failure'): void {
    this.instruments.businessEvents.record(eventType, status);
  }

  /** Records one health check evaluation: its status (1 up, 0 down) and duration. */
  recordHealthCheck(check: string, up: boolean, seconds: number): void {
    this.instruments.health.record(check, up, seconds);
  }

  /** Counts log lines dropped by a destination (`stdout`, `main`, `security`, `error`). */
  recordLogRecordsDropped(
    destination: string,
    reason: string,
    lines: number,
  ): void {
    this.instruments.logs.recordDropped(destination, reason, lines);
  }

  /** Sets where `prs_active_users_total` reads its value at each scrape. */
  setActiveUsersSource(source: ActiveUsersSource | undefined): void {
    this.instruments.activeUsers.setSource(source);
  }
}
