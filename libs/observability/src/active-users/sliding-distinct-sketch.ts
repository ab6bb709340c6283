import { HLL_REGISTERS, hllAdd, hllEstimate, hllMerge } from './hyper-log-log';

/** Slices per window: the window's edge is accurate to 1/30 of its length. */
export const SLICES_PER_WINDOW = 30;

/**
 * Approximate distinct count over a sliding time window: one HyperLogLog per slice of
 * `windowMs / 30`, merged at read time. Memory is fixed: at most 31 × 4 KiB.
 * A read covers the current slice and the 30 before it, so it may include ids seen up
 * to one slice longer ago than `windowMs`.
 */
export class SlidingDistinctSketch {
  private readonly sliceMs: number;
  private readonly slices: (Uint8Array | undefined)[] = [];
  private readonly epochs: number[] = [];

  constructor(windowMs: number) {
    this.sliceMs = windowMs / SLICES_PER_WINDOW;
  }

  /** Adds `hash`, seen at time `at`. */
  add(hash: number, at: number): void {
    const epoch = Math.floor(at / this.sliceMs);
    const slot = epoch % (SLICES_PER_WINDOW + 1);
    let registers = this.slices[slot];
    if (registers === undefined || this.epochs[slot] !== epoch) {
      if ((this.epochs[slot] ?? -Infinity) > epoch) return; // older than the window
      registers = new Uint8Array(HLL_REGISTERS);
      this.slices[slot] = registers;
      this.epochs[slot] = epoch;
    }
    hllAdd(registers, hash);
  }

  /** Estimated distinct hashes seen in the window ending at `now`. */
  estimate(now: number): number {
    return hllEstimate(this.registers(now));
  }

  /** The window's slices ending at `now`, merged register-wise into one sketch. */
  registers(now: number): Uint8Array {
    const current = Math.floor(now / this.sliceMs);
    const merged = new Uint8Array(HLL_REGISTERS);
    for (let slot = 0; slot < this.slices.length; slot++) {
      const registers = this.slices[slot];
      const epoch = this.epochs[slot] ?? -Infinity;
      if (registers === undefined || epoch > current) continue;
      if (epoch < current - SLICES_PER_WINDOW) continue;
      hllMerge(merged, registers);
    }
    return merged;
  }
}
