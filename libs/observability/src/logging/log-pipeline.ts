import pino, { type Logger } from 'pino';
import { type ClientIpResolver, createClientIpResolver } from './client-ip';
import { type DropListener, LogSink, type SinkTarget } from './log-sink';
import type {
  LogLevelName,
  ResolvedLogFile,
  ResolvedLoggingOptions,
} from './logging-options.interface';
import { ChannelRouter, createLogger } from './log-channels';
import { Redactor } from './redactor';
import { RotatingFileTarget, StdoutTarget } from './sink-targets';

/** A level a line is written at. */
export type WriteLevel = Exclude<LogLevelName, 'silent'>;

const { chindingsSym, lsCacheSym, timeSym } = pino.symbols;
// pino's documented `symbols` export: the logger's own level, timestamp and base fields.
interface PinoInternals {
  levelText: Record<number, string>;
  time: () => string;
  base: string;
}

/**
 * Owns the JSON loggers and their destinations: the main stream (stdout and/or a
 * file), plus the `security` and `error` channel files. One pino instance per
 * channel, no per-request child loggers: request context is added at write time.
 */
export class LogPipeline {
  readonly redactor: Redactor;
  /** `request.ip` under the `trustProxy` setting. */
  readonly clientIp: ClientIpResolver;
  /** `logging.callSite`: application lines carry the calling function and line. */
  readonly callSite: boolean;
  private readonly main: Logger;
  private readonly mainRouter: ChannelRouter;
  private readonly pino: PinoInternals;
  private readonly security: Logger;
  private readonly sinks: LogSink[] = [];
  private readonly onExit = () => this.flushSync();

  constructor(
    options: ResolvedLoggingOptions,
    onDrop: DropListener,
    onRotateError?: (error: unknown) => void,
    /** `traceUiUrl`: error lines link to their trace there. */
    readonly traceUiUrl?: string,
    stdout: SinkTarget = new StdoutTarget(),
  ) {
    this.redactor = new Redactor(options.redact, options.maxValueLength);
    this.clientIp = createClientIpResolver(options.trustProxy);
    this.callSite = options.callSite;
    const sink = (name: string, file: ResolvedLogFile | undefined) => {
      const created = new LogSink(
        file ? new RotatingFileTarget(name, file, onRotateError) : stdout,
        onDrop,
      );
      this.sinks.push(created);
      return created;
    };
    const main: LogSink[] = [];
    if (options.stdout) main.push(sink('stdout', undefined));
    if (options.files.main) main.push(sink('main', options.files.main));
    const error = options.files.error
      ? sink('error', options.files.error)
      : undefined;
    const security = options.files.security
      ? sink('security', options.files.security)
      : undefined;
    this.mainRouter = new ChannelRouter(main, error);
    this.main = createLogger(options.level, this.mainRouter, {}, traceUiUrl);
    const internals = this.main as unknown as Record<symbol, unknown>;
    this.pino = {
      levelText: internals[lsCacheSym] as Record<number, string>,
      time: (internals[timeSym] as () => string).bind(this.main),
      get base() {
        return internals[chindingsSym] as string;
      },
    };
    this.security = createLogger(
      options.level,
      new ChannelRouter(security ? [...main, security] : main, error),
      { logger: 'security', channel: 'security' },
      traceUiUrl,
    );
    process.once('exit', this.onExit);
  }

  /** pino's numeric value of `level` (30 for `info`). */
  levelValue(level: WriteLevel): number {
    return this.main.levels.values[level]!;
  }

  /**
   * The start of a main-stream line at `levelValue` exactly as {@link write} would
   * begin it: pino's level, timestamp and base fields, for a caller that serializes the
   * rest itself (the request line, once per request) and hands it to {@link writeLine}.
   */
  linePrefix(levelValue: number): string {
    const main = this.pino;
    return main.levelText[levelValue]! + main.time() + main.base;
  }

  /** Writes a whole main-stream line (`\n`-terminated, U+2028/U+2029 escaped). */
  writeLine(line: string, levelValue: number): void {
    this.mainRouter.writeLine(line, levelValue);
  }

  /** Writes one main-stream line (`fields` already sanitized). */
  write(level: WriteLevel, fields: object, message: string): void {
    this.main[level](fields, message);
  }

  /** Writes one `security` channel line. */
  writeSecurity(level: WriteLevel, fields: object, message: string): void {
    this.security[level](fields, message);
  }

  isLevelEnabled(level: WriteLevel): boolean {
    return this.main.isLevelEnabled(level);
  }

  setLevel(level: LogLevelName): void {
    this.main.level = level;
    this.security.level = level;
  }

  /** Writes every queued line now (shutdown, tests). */
  flushSync(): void {
    for (const sink of this.sinks) sink.flushSync();
  }

  /**
   * Flushes and switches to writing each line at once, for the rest of the process's
   * life: shutdown hooks log after ours, and a signal may end the process before
   * another event-loop turn.
   */
  flushOnEveryWrite(): void {
    process.removeListener('exit', this.onExit);
    for (const sink of this.sinks) sink.setSync();
  }

  /** Flushes and closes every destination. */
  close(): void {
    process.removeListener('exit', this.onExit);
    for (const sink of this.sinks) sink.close();
  }
}
