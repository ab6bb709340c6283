/** Counters of the SDK's own health, read at scrape time by the module's self-metrics. */
export interface TelemetryStats {
  /** Spans lost: export queue full, or part of a failed export. */
  spansDropped: number;
  /** Span export calls that failed (refused, timed out, rejected). */
  spanExportFailures: number;
  /** Spans the exporter accepted. */
  spansExported: number;
  /** Metric pushes that failed (refused, timed out, rejected). */
  metricExportFailures: number;
}

/** Where diagnostic warnings go; the module points it at the app's logger. */
export type WarningSink = (message: string) => void;

const CREDENTIALS_IN_URL = /\/\/[^/\s:@]+:[^/\s@]+@/g;

/**
 * Reports telemetry failures at most once per cause per interval, through a sink the
 * Nest module replaces with the app's logger (before that, stderr). Messages never
 * carry URL credentials or stacks.
 */
export class DiagnosticReporter {
  private readonly lastReported = new Map<string, number>();
  private sink: WarningSink = (message) =>
    process.stderr.write(`[observability] ${message}\n`);

  constructor(private readonly intervalMs = 60_000) {}

  /** Sends later warnings to `sink`. */
  setSink(sink: WarningSink): void {
    this.sink = sink;
  }

  /** Warns about `cause` unless it was reported within the interval. */
  warn(cause: string, message: string, error?: unknown): void {
    const now = Date.now();
    const last = this.lastReported.get(cause);
    if (last !== undefined && now - last < this.intervalMs) return;
    if (this.lastReported.size >= 100) this.lastReported.clear();
    this.lastReported.set(cause, now);
    const detail = error instanceof Error ? `: ${error.message}` : '';
    try {
      this.sink(`${message}${detail}`.replace(CREDENTIALS_IN_URL, '//***@'));
    } catch {
      // A broken logger must not turn a telemetry warning into an application failure.
    }
  }
}
