import { performance } from 'node:perf_hooks';

/** A new round starts no sooner than this many times the previous one's duration after it... */
const PAUSE_FACTOR = 3;
/** ...and never more than this many ms after it. */
const MAX_PAUSE_MS = 1_000;

/**
 * Collection rounds across a process group: concurrent callers share the round in flight,
 * and a new round starts only after a pause of 3x the previous round's duration (at most
 * 1 s), as a single process's `/metrics` paces its collections. A scrape storm therefore
 * costs each worker at most about one snapshot per 4 round-durations, not one after
 * another without rest.
 */
export class CollectRounds<T> {
  private current: Promise<T> | undefined;
  /** `performance.now()` before which the next round waits. */
  private notBefore = 0;

  constructor(private readonly round: () => Promise<T>) {}

  /** The round in flight, or a new one after the pause the previous one earned. */
  run(): Promise<T> {
    this.current ??= this.next().finally(() => (this.current = undefined));
    return this.current;
  }

  private async next(): Promise<T> {
    const pause = this.notBefore - performance.now();
    // unref: a pending pause must not hold a shutting-down process open.
    if (pause > 0)
      await new Promise((resolve) => setTimeout(resolve, pause).unref());
    const start = performance.now();
    try {
      return await this.round();
    } finally {
      const end = performance.now();
      this.notBefore =
        end + Math.min(MAX_PAUSE_MS, (end - start) * PAUSE_FACTOR);
    }
  }
}
