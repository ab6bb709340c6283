import { context, isSpanContextValid, trace } from '@opentelemetry/api';

/** How long a crashing process waits for its telemetry unless told otherwise. */
export const DEFAULT_CRASH_FLUSH_TIMEOUT_MS = 2_000;

const CREDENTIALS_IN_URL = /\/\/[^/\s:@]+:[^/\s@]+@/g;

/** Removes the crash handler (after a normal shutdown). */
export interface CrashFlush {
  dispose(): void;
}

/**
 * On a fatal error (an uncaught exception, or a rejection Node's default
 * `--unhandled-rejections=throw` turns into one), writes one JSON error line on stderr
 * with the trace of the request that was active, flushes what telemetry is queued for
 * at most `timeoutMs`, then rethrows the same error with no handler left, so Node prints
 * it and exits with its own code. When the app has its own `uncaughtException` handler,
 * Node would not die, and neither does this: it stands aside.
 *
 * An `uncaughtExceptionMonitor` listener cannot wait for the flush (the process dies
 * when it returns), hence a real handler.
 */
export function installCrashFlush(
  flush: (timeoutMs: number) => Promise<void>,
  timeoutMs: number,
): CrashFlush {
  let crash: { error: unknown } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let dying = false;

  const die = (): void => {
    if (dying || !crash) return;
    dying = true;
    clearTimeout(timer);
    process.removeListener('uncaughtException', onFatal);
    const { error } = crash;
    setImmediate(() => {
      throw error;
    });
  };

  function onFatal(error: unknown, origin: string): void {
    // A second crash during the flush: Node would already have died of the first.
    if (crash) return die();
    if (process.listenerCount('uncaughtException') > 1) return;
    crash = { error };
    writeCrashLine(error, origin);
    // Not unref'd: this timer keeps the process alive until it dies, even if the flush hangs.
    timer = setTimeout(die, timeoutMs);
    flush(timeoutMs).then(die, die);
  }

  process.on('uncaughtException', onFatal);
  return {
    dispose: () => {
      if (!crash) process.removeListener('uncaughtException', onFatal);
    },
  };
}

function writeCrashLine(error: unknown, origin: string): void {
  try {
    const span = trace.getSpan(context.active())?.spanContext();
    const line: Record<string, unknown> = {
      level: 'error',
      timestamp: new Date().toISOString(),
      pid: process.pid,
      message:
        origin === 'unhandledRejection'
          ? 'Unhandled promise rejection: the process is exiting'
          : 'Uncaught exception: the process is exiting',
      error: describe(error),
    };
    if (span && isSpanContextValid(span)) {
      line.trace_id = span.traceId;
      line.span_id = span.spanId;
    }
    process.stderr.write(`${JSON.stringify(line)}\n`);
  } catch {
    // The crash itself must reach Node unchanged, whatever happens to this line.
  }
}

function describe(error: unknown): Record<string, string> {
  const clean = (text: string) => text.replace(CREDENTIALS_IN_URL, '//***@');
  if (!(error instanceof Error))
    return { type: typeof error, message: clean(String(error)) };
  const out: Record<string, string> = {
    type: clean(error.name),
    message: clean(error.message),
  };
  if (typeof error.stack === 'string') out.stack = clean(error.stack);
  return out;
}
