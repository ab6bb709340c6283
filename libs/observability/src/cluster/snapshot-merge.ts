import type { Attributes } from '@opentelemetry/api';
import { METRIC_SUFFIXES } from '../core/metric-names';
import type {
  SnapshotHistogram,
  SnapshotMetric,
  WorkerSnapshot,
} from '../metrics/cluster-protocol';
import { mergeActiveUsers } from './active-users-merge';
import { type GaugeRule, gaugeRule } from './gauge-rules';

/** `worker` label value of what exited workers had counted (with `workerLabel`). */
export const RETIRED_WORKER = 'retired';

interface Slot {
  attributes: Attributes;
  values: number[];
  histogram?: SnapshotHistogram;
}

interface Entry {
  metric: Omit<SnapshotMetric, 'points'>;
  slots: Map<string, Slot>;
}

/**
 * Merges metrics point by point, keyed by (name, attributes): counters and histograms
 * add up (histograms bucket by bucket; a point whose bounds differ from the first one's
 * is left out), gauges keep every value for {@link SnapshotMerger.result} to reduce by
 * rule. A name seen with two kinds keeps the first.
 */
export class SnapshotMerger {
  private readonly entries = new Map<string, Entry>();

  /** Adds `metrics`, each point labelled with `extra` too; `only` filters metrics. */
  add(
    metrics: readonly SnapshotMetric[],
    extra?: Attributes,
    only?: (metric: SnapshotMetric) => boolean,
  ): void {
    for (const metric of metrics) {
      if (only && !only(metric)) continue;
      const { name, description, unit, kind } = metric;
      let entry = this.entries.get(name);
      if (entry === undefined) {
        entry = { metric: { name, description, unit, kind }, slots: new Map() };
        this.entries.set(name, entry);
      } else if (entry.metric.kind !== kind) continue;
      for (const point of metric.points) {
        const attributes = extra
          ? { ...point.attributes, ...extra }
          : point.attributes;
        const key = keyOf(attributes);
        let slot = entry.slots.get(key);
        if (slot === undefined) {
          slot = { attributes, values: [] };
          entry.slots.set(key, slot);
        }
        if (point.histogram)
          slot.histogram = addHistogram(slot.histogram, point.histogram);
        else if (typeof point.value === 'number') slot.values.push(point.value);
      }
    }
  }

  /** The merged metrics; gauge and up-down values reduced by `rule` (`distinct` falls back to `max`). */
  result(rule: (name: string) => GaugeRule): SnapshotMetric[] {
    const out: SnapshotMetric[] = [];
    for (const { metric, slots } of this.entries.values()) {
      const reduce = metric.kind === 'counter' ? 'sum' : rule(metric.name);
      const points = [...slots.values()].map(
        ({ attributes, values, histogram }) =>
          histogram
            ? { attributes, histogram }
            : { attributes, value: reduceBy(reduce, values) },
      );
      out.push({ ...metric, points });
    }
    return out;
  }
}

/**
 * Adds what an exited worker had counted (its counters and histograms) to `retired`.
 * With `already` (a snapshot of the same worker folded before), only the difference is
 * added: a final snapshot read after the worker's exit was noticed.
 */
export function foldRetired(
  retired: readonly SnapshotMetric[],
  metrics: readonly SnapshotMetric[],
  already: readonly SnapshotMetric[] = [],
): SnapshotMetric[] {
  const merger = new SnapshotMerger();
  merger.add(retired);
  merger.add(metrics, undefined, isCumulative);
  merger.add(already.filter(isCumulative).map(negated));
  return merger.result(() => 'sum');
}

function negated(metric: SnapshotMetric): SnapshotMetric {
  return {
    ...metric,
    points: metric.points.map(({ attributes, value, histogram }) =>
      histogram
        ? {
            attributes,
            histogram: {
              boundaries: histogram.boundaries,
              counts: histogram.counts.map((n) => -n),
              count: -histogram.count,
              ...(histogram.sum === undefined ? {} : { sum: -histogram.sum }),
            },
          }
        : { attributes, ...(value === undefined ? {} : { value: -value }) },
    ),
  };
}

/** One worker as the primary last heard from it. */
export interface WorkerView {
  /** The `worker` label value: the cluster worker id. */
  label: string;
  snapshot: WorkerSnapshot;
}

/**
 * The group's metrics: live workers' last snapshots plus `retired`, counters and
 * histograms summed, gauges by {@link gaugeRule}, active users merged from the workers'
 * shared state. With `workerLabel`, series keep a `worker` label instead (exited
 * workers' counts under `worker="retired"`); active users stay one merged series.
 */
export function mergeGroup(
  workers: readonly WorkerView[],
  retired: readonly SnapshotMetric[],
  options: { workerLabel: boolean; prefix: string },
): SnapshotMetric[] {
  const activeUsers = `${options.prefix}_${METRIC_SUFFIXES.activeUsers}`;
  const merger = new SnapshotMerger();
  for (const { label, snapshot } of workers) {
    if (!options.workerLabel) merger.add(snapshot.metrics);
    else {
      merger.add(
        snapshot.metrics,
        { worker: label },
        (m) => m.name !== activeUsers,
      );
      merger.add(snapshot.metrics, undefined, (m) => m.name === activeUsers);
    }
  }
  merger.add(
    retired,
    options.workerLabel ? { worker: RETIRED_WORKER } : undefined,
  );
  const merged = merger.result((name) => gaugeRule(name, options.prefix));
  const distinct = mergeActiveUsers(
    workers.flatMap(({ snapshot }) => snapshot.activeUsers ?? []),
  );
  const gauge = merged.find((m) => m.name === activeUsers);
  if (distinct !== undefined && gauge)
    gauge.points = [{ attributes: {}, value: distinct }];
  return merged;
}

function isCumulative(metric: SnapshotMetric): boolean {
  return metric.kind === 'counter' || metric.kind === 'histogram';
}

function reduceBy(rule: GaugeRule, values: readonly number[]): number {
  if (rule === 'sum') return values.reduce((a, b) => a + b, 0);
  if (rule === 'min') return Math.min(...values);
  return Math.max(...values);
}

function addHistogram(
  into: SnapshotHistogram | undefined,
  add: SnapshotHistogram,
): SnapshotHistogram {
  if (into === undefined)
    return { ...add, boundaries: [...add.boundaries], counts: [...add.counts] };
  const sameBounds =
    into.boundaries.length === add.boundaries.length &&
    into.boundaries.every((bound, i) => bound === add.boundaries[i]);
  if (!sameBounds) return into;
  into.counts = into.counts.map((n, i) => n + (add.counts[i] ?? 0));
  into.count += add.count;
  if (into.sum !== undefined && add.sum !== undefined) into.sum += add.sum;
  else delete into.sum;
  return into;
}

/** Attributes in name order, so workers that list them differently meet in one series. */
function keyOf(attributes: Attributes): string {
  return JSON.stringify(
    Object.keys(attributes)
      .sort()
      .map((key) => [key, attributes[key]]),
  );
}
