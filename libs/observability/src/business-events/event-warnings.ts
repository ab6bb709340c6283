import { Logger } from '@nestjs/common';
import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import { messages } from '../core/messages';
import { requestStorage } from '../core/request-context';

const storage = requestStorage();

/**
 * The recorder's warnings: at most one per cause per interval, for at most `maxCauses`
 * causes at once (each undeclared event type is a cause, and a dynamic value can invent
 * any number of them). Beyond that bound, causes not seen within the interval are
 * forgotten first; if none can be, the new ones are summed into one "and N more" line per
 * interval. Lines are written outside the request's context: they describe the SDK, so
 * they carry no request's `trace_id` or `correlation_id`.
 */
export class EventWarnings {
  private readonly lastLogged = new Map<string, number>();
  private overflowSince: number | undefined;
  private overflowCount = 0;

  constructor(
    private readonly logger: Logger = new Logger('Observability'),
    private readonly intervalMs = 60_000,
    private readonly maxCauses = 1_000,
  ) {}

  /** Logs `message` (and the error's name and message, never its stack) unless `cause` was logged recently. */
  warn(cause: string, message: string, error?: unknown): void {
    const now = Date.now();
    const last = this.lastLogged.get(cause);
    if (last !== undefined && now - last < this.intervalMs) return;
    if (last === undefined && this.lastLogged.size >= this.maxCauses) {
      this.forgetExpired(now);
      if (this.lastLogged.size >= this.maxCauses) {
        this.overflow(now, message);
        return;
      }
    }
    this.lastLogged.set(cause, now);
    const detail =
      error instanceof Error ? `: ${error.name}: ${error.message}` : '';
    this.write(`${message}${detail}`);
  }

  private forgetExpired(now: number): void {
    for (const [cause, at] of this.lastLogged)
      if (now - at >= this.intervalMs) this.lastLogged.delete(cause);
  }

  private overflow(now: number, message: string): void {
    if (
      this.overflowSince !== undefined &&
      now - this.overflowSince < this.intervalMs
    ) {
      this.overflowCount++;
      return;
    }
    const skipped = this.overflowCount;
    this.overflowSince = now;
    this.overflowCount = 0;
    this.write(
      `${message} (${messages.warningsOverflow(skipped, this.maxCauses)})`,
    );
  }

  private write(line: string): void {
    storage.exit(() =>
      context.with(ROOT_CONTEXT, () => this.logger.warn(line)),
    );
  }
}
