import type { TelemetryStats } from './diagnostics';

// Keyed by the running SDK's stats object, the one thing the shutdown path and the span
// processor (created by the trace pipeline) both hold: a processor's shutdown() takes no
// timeout, yet it must give up, and say what it lost, before the process exits.
const deadlines = new WeakMap<TelemetryStats, number>();

/** Records when the shutdown that is starting gives up (`Date.now()` based). */
export function setShutdownDeadline(stats: TelemetryStats, at: number): void {
  deadlines.set(stats, at);
}

/** When the current shutdown gives up, if one has started with a deadline. */
export function shutdownDeadline(stats: TelemetryStats): number | undefined {
  return deadlines.get(stats);
}
