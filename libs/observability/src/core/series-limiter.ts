import type { Attributes } from '@opentelemetry/api';
import { OVERFLOW_LABEL_VALUE } from './metric-names';

/**
 * Hands out one frozen attribute object per label set of a metric, up to a budget.
 * Past the budget every new label set gets the single overflow label set instead,
 * and `onOverflow` is told, so nothing is dropped and nothing is counted twice.
 *
 * Label sets are cached in nested maps keyed by each value in turn, so the hot path
 * allocates nothing for a label set it has seen before.
 */
export class SeriesLimiter {
  private readonly root = new Map<string, unknown>();
  private readonly overflow: Attributes;
  private size = 0;

  constructor(
    private readonly labelNames: readonly string[],
    private readonly limit: number,
    private readonly onOverflow: () => void,
  ) {
    const overflow: Attributes = {};
    for (const name of labelNames) overflow[name] = OVERFLOW_LABEL_VALUE;
    this.overflow = Object.freeze(overflow);
  }

  /** Distinct label sets admitted so far (the overflow set not included). */
  get seriesCount(): number {
    return this.size;
  }

  /** The attributes to record for these label values, in `labelNames` order. */
  attributes(...values: string[]): Attributes {
    let level = this.root;
    const last = this.labelNames.length - 1;
    for (let i = 0; i < last; i++) {
      const value = values[i] ?? '';
      let next = level.get(value) as Map<string, unknown> | undefined;
      if (next === undefined) {
        if (this.size >= this.limit) return this.folded();
        next = new Map<string, unknown>();
        level.set(value, next);
      }
      level = next;
    }
    const key = values[last] ?? '';
    const cached = level.get(key) as Attributes | undefined;
    if (cached !== undefined) return cached;
    if (this.size >= this.limit) return this.folded();
    const attrs: Attributes = {};
    for (let i = 0; i <= last; i++)
      attrs[this.labelNames[i] as string] = values[i] ?? '';
    Object.freeze(attrs);
    level.set(key, attrs);
    this.size++;
    return attrs;
  }

  private folded(): Attributes {
    this.onOverflow();
    return this.overflow;
  }
}
