import type { Attributes, Meter, MetricOptions } from '@opentelemetry/api';

/**
 * A monotonic counter whose totals live in a plain map keyed by attribute object and
 * are handed to OpenTelemetry only when a scrape collects them (an observable counter).
 * A synchronous OTel counter hashes its attributes (sort + JSON) on every `add`; here
 * the request path pays one map lookup. Attributes must be identity-stable per label
 * set, as {@link SeriesLimiter} hands them out.
 */
export class TalliedCounter {
  private readonly totals = new Map<Attributes, number>();

  constructor(meter: Meter, name: string, options: MetricOptions) {
    meter.createObservableCounter(name, options).addCallback((result) => {
      for (const [attributes, total] of this.totals)
        result.observe(total, attributes);
    });
  }

  add(value: number, attributes: Attributes): void {
    this.totals.set(attributes, (this.totals.get(attributes) ?? 0) + value);
  }
}
