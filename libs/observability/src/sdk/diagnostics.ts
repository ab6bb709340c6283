import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import { requestStorage } from '../core/request-context';

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
  /** Writes of active users to Redis that failed, timed out or were dropped. */
  activeUsersWriteFailures: number;
}

/** Where diagnostic warnings go; the module points it at the app's logger. */
export type WarningSink = (message: string, level?: DiagnosticLevel) => void;

/** A diagnostic is a warning (something was lost or failed) or a plain report. */
export type DiagnosticLevel = 'warn' | 'log';

const CREDENTIALS_IN_URL = /\/\/[^/\s:@]+:[^/\s@]+@/g;
const storage = requestStorage();

const NETWORK_CAUSES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  ENOTFOUND: 'DNS lookup failed',
  EAI_AGAIN: 'DNS lookup failed',
  ETIMEDOUT: 'timeout',
  ENETUNREACH: 'network unreachable',
  EHOSTUNREACH: 'network unreachable',
};

/**
 * Whether a "failed" export was in fact delivered: OpenTelemetry's HTTP transport stops
 * reading a response body beyond 4 MB and reports the export as failed, although the
 * collector had accepted the request (its status line arrived before the body). A
 * collector answering 200 with a large body lost nothing, so nothing is counted as lost.
 */
export function deliveredDespiteError(error: unknown): boolean {
  return (
    error instanceof Error &&
    error.message.includes('response body exceeded size limit')
  );
}

/**
 * The kind of an export failure, as the warning names it and rate-limits it: `timeout`,
 * `connection refused`, `connection reset`, `DNS lookup failed`, `HTTP 4xx (404)`,
 * `HTTP 5xx (500)`, `retryable HTTP status` (429/502/503/504 after the retries),
 * `concurrent export limit`, else `other`. Distinct kinds are distinct causes, so a
 * refused connection does not hide a later 401.
 */
export function exportFailureKind(error: unknown): string {
  if (!(error instanceof Error)) return 'other';
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_CAUSES[code] !== undefined)
    return NETWORK_CAUSES[code];
  if (typeof code === 'number' && code >= 400 && code < 600)
    return `HTTP ${code < 500 ? '4xx' : '5xx'} (${code})`;
  const message = error.message.toLowerCase();
  if (message.includes('timed out') || message.includes('timeout'))
    return 'timeout';
  if (message.includes('retryable status')) return 'retryable HTTP status';
  if (message.includes('concurrent export limit'))
    return 'concurrent export limit';
  return 'other';
}

/**
 * Reports telemetry failures at most once per cause per interval, through a sink the
 * Nest module replaces with the app's logger (before that, stderr). Messages never
 * carry URL credentials or stacks.
 */
export class DiagnosticReporter {
  private readonly lastReported = new Map<string, number>();
  private sink: WarningSink = (message) =>
    process.stderr.write(`[observability] ${message}\n`);

  /** Reports `message` as information (nothing failed), not rate-limited. */
  log(message: string): void {
    this.write(message, 'log');
  }

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
    // Causes are call sites times failure kinds, a small set; the bound guards misuse.
    if (this.lastReported.size >= 100) this.lastReported.clear();
    this.lastReported.set(cause, now);
    const detail = error instanceof Error ? `: ${error.message}` : '';
    this.write(`${message}${detail}`, 'warn');
  }

  private write(message: string, level: DiagnosticLevel): void {
    const line = message.replace(CREDENTIALS_IN_URL, '//***@');
    try {
      // Outside any request: the export that failed may run in the context of the request
      // whose span ended last, and its trace and correlation ids do not describe the SDK.
      storage.exit(() =>
        context.with(ROOT_CONTEXT, () => this.sink(line, level)),
      );
    } catch {
      // A broken logger must not turn a telemetry warning into an application failure.
    }
  }
}
