import { Logger } from '@nestjs/common';

/**
 * Reports telemetry's own failures through the app's logger at most once per
 * cause per interval, so a dead exporter or a throwing hook cannot flood the logs.
 */
export class RateLimitedLogger {
  private readonly lastLogged = new Map<string, number>();

  constructor(
    private readonly logger: Logger = new Logger('Observability'),
    private readonly intervalMs = 60_000,
  ) {}

  /** Logs `message` (and the error's name and message, never its stack) unless `cause` was logged recently. */
  warn(cause: string, message: string, error?: unknown): void {
    const now = Date.now();
    const last = this.lastLogged.get(cause);
    if (last !== undefined && now - last < this.intervalMs) return;
    // Bounded: causes are a fixed set of call sites, but guard against misuse anyway.
    if (this.lastLogged.size >= 100) this.lastLogged.clear();
    this.lastLogged.set(cause, now);
    const detail =
      error instanceof Error ? `: ${error.name}: ${error.message}` : '';
    this.logger.warn(`${message}${detail}`);
  }
}
