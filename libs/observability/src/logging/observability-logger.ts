import {
  Inject,
  Injectable,
  type LoggerService,
  type LogLevel,
} from '@nestjs/common';
import type { LogPipeline, WriteLevel } from './log-pipeline';
import { callSite } from './call-site';
import { toLogRecord } from './log-fields';
import { LOG_PIPELINE } from './logging.constants';

const NEST_LEVELS: Record<LogLevel, WriteLevel> = {
  verbose: 'trace',
  debug: 'debug',
  log: 'info',
  warn: 'warn',
  error: 'error',
  fatal: 'fatal',
};
const ORDER: readonly LogLevel[] = [
  'verbose',
  'debug',
  'log',
  'warn',
  'error',
  'fatal',
];

/**
 * The Nest application logger writing one JSON line per event: `timestamp`, `level`,
 * `logger`, `module` and `function` (the Nest context; with `logging.callSite`, `function`
 * and `line` say where the call was made), `message`, plus `correlation_id`, `trace_id` and
 * `span_id` whenever a request or span is active. Credentials are redacted and long
 * values capped; a failing destination never throws into the caller.
 *
 * @example
 * ```ts
 * const app = await NestFactory.create(AppModule, { bufferLogs: true });
 * app.useLogger(app.get(ObservabilityLogger));
 * ```
 */
@Injectable()
export class ObservabilityLogger implements LoggerService {
  constructor(@Inject(LOG_PIPELINE) private readonly pipeline: LogPipeline) {}

  log(message: unknown, ...optionalParams: unknown[]): void {
    this.write('info', message, optionalParams);
  }

  error(message: unknown, ...optionalParams: unknown[]): void {
    this.write('error', message, optionalParams);
  }

  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.write('warn', message, optionalParams);
  }

  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.write('debug', message, optionalParams);
  }

  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.write('trace', message, optionalParams);
  }

  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.write('fatal', message, optionalParams);
  }

  /** Applies Nest's `logger: [...]` levels: the lowest one listed becomes the threshold. */
  setLogLevels(levels: LogLevel[]): void {
    const lowest = ORDER.find((level) => levels.includes(level));
    this.pipeline.setLevel(
      lowest === undefined ? 'silent' : NEST_LEVELS[lowest],
    );
  }

  private write(level: WriteLevel, message: unknown, params: unknown[]): void {
    try {
      if (!this.pipeline.isLevelEnabled(level)) return;
      const record = toLogRecord(
        this.pipeline.redactor,
        message,
        params,
        level === 'error' || level === 'fatal',
      );
      if (this.pipeline.callSite) {
        // Only marks where the stack is cut (this frame and below); never called.
        // eslint-disable-next-line @typescript-eslint/unbound-method
        const site = callSite(this.write);
        if (site !== undefined) {
          if (site.function !== undefined)
            record.fields.function = this.pipeline.redactor.text(site.function);
          record.fields.line = site.line;
        }
      }
      this.pipeline.write(level, record.fields, record.message);
    } catch {
      // Logging must never break the caller; sink failures are counted by the sinks.
    }
  }
}
