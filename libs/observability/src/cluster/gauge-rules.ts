import { METRIC_SUFFIXES } from '../core/metric-names';

/**
 * How one gauge (or up-down counter) of several workers becomes the group's value:
 * - `sum`: amounts the processes hold each (memory, connections, queue lengths): the default;
 * - `max`: the worst worker (event-loop delay);
 * - `min`: the worst health (1 healthy, 0 not) or the oldest start time;
 * - `distinct`: active users, merged from the workers' id sets or HyperLogLog sketches.
 */
export type GaugeRule = 'sum' | 'max' | 'min' | 'distinct';

const FIXED_RULES: Readonly<Record<string, GaugeRule>> = {
  nodejs_eventloop_delay_p99_seconds: 'max',
  process_start_time_seconds: 'min',
};

/** The rule for gauge `name` under metric `prefix` (see docs/cluster.md "Gauges"). */
export function gaugeRule(name: string, prefix: string): GaugeRule {
  if (name === `${prefix}_${METRIC_SUFFIXES.activeUsers}`) return 'distinct';
  if (name === `${prefix}_${METRIC_SUFFIXES.healthCheckStatus}`) return 'min';
  return FIXED_RULES[name] ?? 'sum';
}
