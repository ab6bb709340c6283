import { hostname } from 'node:os';
import { isMainThread, threadId } from 'node:worker_threads';
import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { type Logger } from 'pino';
import { escapeLineSeparators } from './json-line';
import type { LogSink } from './log-sink';
import type { LogLevelName } from './logging-options.interface';
import { requestStorage } from '../core/request-context';
import { SDK_LOGGER_CONTEXT } from './logging.constants';

/** `level` values in lines: the names the guide's Logstash pipeline matches on. */
const LEVEL_LABELS: Record<string, string> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARNING',
  error: 'ERROR',
  fatal: 'CRITICAL',
};
const ERROR_LEVEL = 50;
const storage = requestStorage();
const PINO_METADATA = Symbol.for('pino.metadata');

/** A pino destination that fans one line out to its channel's sinks. */
export class ChannelRouter {
  lastLevel = 0;

  constructor(
    private readonly sinks: LogSink[],
    private readonly errorSink: LogSink | undefined,
  ) {
    // pino then sets `lastLevel` before each write (its documented multistream hook).
    (this as unknown as Record<symbol, boolean>)[PINO_METADATA] = true;
  }

  write(line: string): void {
    this.writeLine(escapeLineSeparators(line), this.lastLevel);
  }

  /** Writes a line whose U+2028/U+2029 are already escaped, at pino level `levelValue`. */
  writeLine(line: string, levelValue: number): void {
    for (const sink of this.sinks) sink.write(line);
    if (this.errorSink !== undefined && levelValue >= ERROR_LEVEL)
      this.errorSink.write(line);
  }
}

/** One JSON logger writing the contract fields into `destination`. */
export function createLogger(
  level: LogLevelName,
  destination: ChannelRouter,
  bindings: Record<string, string>,
  traceUiUrl?: string,
): Logger {
  return pino(
    {
      level,
      messageKey: 'message',
      // `thread` only in worker threads: on the main thread it would always be 0.
      base: {
        pid: process.pid,
        hostname: hostname(),
        ...(isMainThread ? {} : { thread: threadId }),
        ...bindings,
      },
      timestamp: isoTimestamp(),
      formatters: {
        level: (label) => ({
          level: LEVEL_LABELS[label] ?? label.toUpperCase(),
        }),
      },
      // pino passes the numeric level: errors (50) and above link to their trace.
      mixin: (merge: object, levelValue: number) =>
        (merge as { logger?: unknown }).logger === SDK_LOGGER_CONTEXT
          ? {}
          : contextFields(levelValue >= 50 ? traceUiUrl : undefined),
    },
    destination,
  );
}

/**
 * `correlation_id`, `trace_id` and `span_id` of whatever request or span is active, and
 * `trace_url` when `traceUiUrl` is given: what every line but the SDK's own starts with.
 */
export function contextFields(
  traceUiUrl: string | undefined,
): Record<string, string> {
  const store = storage.getStore();
  const spanContext = trace.getSpan(context.active())?.spanContext();
  const out: Record<string, string> = {};
  if (store !== undefined) out.correlation_id = store.correlationId;
  if (spanContext !== undefined && isSpanContextValid(spanContext)) {
    out.trace_id = spanContext.traceId;
    out.span_id = spanContext.spanId;
  } else if (store?.traceId !== undefined && store.spanId !== undefined) {
    out.trace_id = store.traceId;
    out.span_id = store.spanId;
  }
  if (traceUiUrl !== undefined && out.trace_id !== undefined) {
    out.trace_url = `${traceUiUrl}/trace/${out.trace_id}`;
  }
  return out;
}

/**
 * pino's `timestamp` option: ISO-8601 UTC, exactly `Date#toISOString()`. The text up to
 * the second is formatted once per second (`toISOString` costs about a microsecond), the
 * milliseconds are appended.
 */
export function isoTimestamp(clock: () => number = Date.now): () => string {
  let last = 0;
  let text = '';
  let second = NaN;
  let head = '';
  return () => {
    const now = clock();
    if (now !== last) {
      last = now;
      const ms = now - second;
      if (ms >= 0 && ms < 1000) {
        text = `${head}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z"`;
      } else {
        const iso = new Date(now).toISOString();
        // `…:SS.mmmZ`: the head ends after the `.`.
        head = `,"timestamp":"${iso.slice(0, -4)}`;
        second = now - (((now % 1000) + 1000) % 1000);
        text = `,"timestamp":"${iso}"`;
      }
    }
    return text;
  };
}
