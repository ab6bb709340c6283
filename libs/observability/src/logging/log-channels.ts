import { hostname } from 'node:os';
import { isMainThread, threadId } from 'node:worker_threads';
import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { type Logger } from 'pino';
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
// Valid JSON, but many line splitters and editors break lines on them.
const LINE_SEPARATORS = /[\u2028\u2029]/g;
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
    const safe =
      line.includes('\u2028') || line.includes('\u2029')
        ? line.replace(LINE_SEPARATORS, (c) =>
            c === '\u2028' ? '\\u2028' : '\\u2029',
          )
        : line;
    for (const sink of this.sinks) sink.write(safe);
    if (this.errorSink !== undefined && this.lastLevel >= ERROR_LEVEL)
      this.errorSink.write(safe);
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

/** `correlation_id`, `trace_id` and `span_id` of whatever request or span is active. */
function contextFields(traceUiUrl: string | undefined): Record<string, string> {
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

/** pino's `timestamp` option: ISO-8601 UTC, formatted once per millisecond. */
function isoTimestamp(): () => string {
  let last = 0;
  let text = '';
  return () => {
    const now = Date.now();
    if (now !== last) {
      last = now;
      text = `,"timestamp":"${new Date(now).toISOString()}"`;
    }
    return text;
  };
}
