import type { ActiveUsersClock } from './active-users.constants';
import { HLL_REGISTERS, hash32, hllAdd } from './hyper-log-log';
import { SlidingDistinctSketch } from './sliding-distinct-sketch';

/** Share of `maxTracked` evicted at once when full, so eviction scans are amortised. */
const EVICTION_BATCH = 0.1;

/**
 * Distinct user ids seen in the last `windowMs`. Exact up to `maxTracked` ids: a Map
 * of id → last seen, kept in last-seen order (delete + set) so expiry pops from the
 * front. Expiry runs when counting (once per scrape) and when the Map is full, never
 * on every touch: scanning a Map's front after many deletes costs O(its capacity) in V8.
 *
 * When the Map is still full after expiry, the oldest 10% are evicted, and until every
 * evicted id would have left the window anyway the count is
 * `max(exact ids, HyperLogLog estimate)`: about 1.6% standard error, with a window
 * edge accurate to 1/30 of `windowMs`. The sketch (≤ 124 KiB) exists only while
 * needed. Memory is bounded by `maxTracked` ids plus one sketch; the clock must not go
 * backwards.
 */
export class ActiveUserWindow {
  private readonly lastSeen = new Map<string, number>();
  private sketch: SlidingDistinctSketch | undefined;
  /** Until then the Map may lack evicted ids that are still in the window. */
  private approximateUntil = -Infinity;

  constructor(
    private readonly windowMs: number,
    private readonly maxTracked: number,
    private readonly now: ActiveUsersClock,
  ) {}

  /** Records that `userId` was active now. */
  touch(userId: string): void {
    const at = this.now();
    this.lastSeen.delete(userId);
    this.lastSeen.set(userId, at);
    this.sketch?.add(hash32(userId), at);
    if (this.lastSeen.size > this.maxTracked) this.makeRoom(at);
  }

  /** Distinct ids seen in the window ending now (estimated while saturated). */
  count(): number {
    const at = this.now();
    this.expire(at);
    if (this.sketch === undefined) return this.lastSeen.size;
    if (at >= this.approximateUntil) {
      this.sketch = undefined; // exact again: every evicted id has aged out
      return this.lastSeen.size;
    }
    return Math.max(this.lastSeen.size, Math.round(this.sketch.estimate(at)));
  }

  /**
   * Mergeable state for a cluster primary: the ids in the window while the count is exact
   * and there are at most `maxIds` of them, else the window's HyperLogLog registers.
   */
  share(maxIds: number): { ids: string[] } | { registers: number[] } {
    const at = this.now();
    this.expire(at);
    const exact = this.sketch === undefined || at >= this.approximateUntil;
    if (exact && this.lastSeen.size <= maxIds)
      return { ids: [...this.lastSeen.keys()] };
    const registers = exact
      ? new Uint8Array(HLL_REGISTERS)
      : (this.sketch?.registers(at) ?? new Uint8Array(HLL_REGISTERS));
    for (const id of this.lastSeen.keys()) hllAdd(registers, hash32(id));
    return { registers: Array.from(registers) };
  }

  /** Whether {@link count} is currently an estimate. */
  get approximate(): boolean {
    return this.sketch !== undefined && this.now() < this.approximateUntil;
  }

  private expire(at: number): void {
    const oldest = at - this.windowMs;
    for (const [id, seen] of this.lastSeen) {
      if (seen > oldest) break;
      this.lastSeen.delete(id);
    }
  }

  private makeRoom(at: number): void {
    this.expire(at);
    if (this.lastSeen.size <= this.maxTracked) return;
    if (this.sketch === undefined) {
      // Seed from the exact set, so the estimate covers everyone seen so far.
      this.sketch = new SlidingDistinctSketch(this.windowMs);
      for (const [id, seen] of this.lastSeen) {
        this.sketch.add(hash32(id), seen);
      }
    }
    const keep = Math.floor(this.maxTracked * (1 - EVICTION_BATCH));
    let lastEvicted = -Infinity;
    for (const [id, seen] of this.lastSeen) {
      if (this.lastSeen.size <= keep) break;
      this.lastSeen.delete(id);
      lastEvicted = seen;
    }
    this.approximateUntil = Math.max(
      this.approximateUntil,
      lastEvicted + this.windowMs,
    );
  }
}
