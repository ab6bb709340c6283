// @ts-check
/** Counts and latencies per scenario, the one-line progress display and the summary. */
export class TrafficStats {
  constructor() {
    this.started = Date.now();
    this.total = 0;
    this.errors = 0;
    this.unexpected = 0;
    this.inFlight = 0;
    /** @type {Map<string, { count: number; statuses: Map<string, number>; ms: number[] }>} */
    this.scenarios = new Map();
    /** @type {Map<string, number>} */
    this.classes = new Map();
  }

  /**
   * @param {string} scenario
   * @param {number | 'error'} status
   * @param {number} ms
   * @param {boolean} expected
   */
  record(scenario, status, ms, expected) {
    this.total++;
    if (status === 'error') this.errors++;
    else if (!expected) this.unexpected++;
    const s = this.scenarios.get(scenario) ?? {
      count: 0,
      statuses: /** @type {Map<string, number>} */ (new Map()),
      ms: /** @type {number[]} */ ([]),
    };
    this.scenarios.set(scenario, s);
    s.count++;
    const key = String(status);
    s.statuses.set(key, (s.statuses.get(key) ?? 0) + 1);
    if (s.ms.length < 100_000) s.ms.push(ms);
    const cls = status === 'error' ? 'error' : `${String(status)[0]}xx`;
    this.classes.set(cls, (this.classes.get(cls) ?? 0) + 1);
  }

  /** @param {number} durationMs */
  progressLine(durationMs) {
    const elapsed = (Date.now() - this.started) / 1000;
    const rate = elapsed > 0 ? this.total / elapsed : 0;
    const classes = ['2xx', '4xx', '5xx', 'error']
      .map((c) => `${c} ${this.classes.get(c) ?? 0}`)
      .join('  ');
    const all = [...this.scenarios.values()].flatMap((s) => s.ms);
    return `[${elapsed.toFixed(1).padStart(5)}s/${(durationMs / 1000).toFixed(0)}s] ${this.total} requests  ${rate.toFixed(1)}/s  ${classes}  p95 ${percentile(all, 0.95)} ms  in flight ${this.inFlight}`;
  }

  summary() {
    const elapsedMs = Date.now() - this.started;
    const scenarios = Object.fromEntries(
      [...this.scenarios.entries()].sort().map(([name, s]) => [
        name,
        {
          count: s.count,
          statuses: Object.fromEntries(s.statuses),
          p50_ms: percentile(s.ms, 0.5),
          p95_ms: percentile(s.ms, 0.95),
        },
      ]),
    );
    return {
      total: this.total,
      errors: this.errors,
      unexpected: this.unexpected,
      elapsed_ms: elapsedMs,
      rate: Math.round((this.total / Math.max(elapsedMs, 1)) * 10_000) / 10,
      classes: Object.fromEntries(this.classes),
      scenarios,
    };
  }
}

/** @param {number[]} values @param {number} q */
function percentile(values, q) {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0,
  );
}
