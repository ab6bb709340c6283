/** Seconds from a millisecond duration, to 0.1 ms (the guide reports seconds). */
export function seconds(ms: number): number {
  return Math.round(ms * 10) / 10_000;
}

/** A percentage to two decimals. */
export function percent(part: number, whole: number): number {
  return whole > 0 ? Math.round((part / whole) * 10_000) / 100 : 0;
}
