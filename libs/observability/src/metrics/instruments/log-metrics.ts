import type { Counter } from '@opentelemetry/api';
import type { MetricBudget } from './metric-budget';

/** `prs_log_records_dropped_total`. */
export class LogMetrics {
  private readonly dropped: Counter;
  // Labels come from fixed sets (4 destinations x 3 reasons): no series budget needed.
  private readonly attributes = new Map<
    string,
    Readonly<Record<string, string>>
  >();

  constructor(budget: MetricBudget) {
    this.dropped = budget.meter.createCounter(budget.names.logRecordsDropped, {
      description:
        'Log lines a destination could not take, by destination and reason (write_error, closed, overflow)',
    });
  }

  /** Counts log lines dropped by a destination (`stdout`, `main`, `security`, `error`). */
  recordDropped(destination: string, reason: string, lines: number): void {
    const key = `${destination}\0${reason}`;
    let attributes = this.attributes.get(key);
    if (attributes === undefined) {
      attributes = Object.freeze({ destination, reason });
      this.attributes.set(key, attributes);
    }
    this.dropped.add(lines, attributes);
  }
}
