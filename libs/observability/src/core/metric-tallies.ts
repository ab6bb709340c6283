import { type Attributes, type HrTime, ValueType } from '@opentelemetry/api';
import { hrTime } from '@opentelemetry/core';
import { emptyResource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  type CollectionResult,
  type DataPoint,
  DataPointType,
  type MetricData,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';
import { PACKAGE_NAME, PACKAGE_VERSION } from './package-info';

/** What a tallied instrument is called and says of itself on `/metrics`. */
export interface TallyDescriptor {
  readonly name: string;
  readonly description: string;
  readonly unit?: string;
}

abstract class Tally {
  /**
   * Set once a second writer took this tally: each writer's series limiter hands out
   * its own attribute objects, so equal label sets are merged at collection.
   */
  shared = false;
  abstract collect(now: HrTime): MetricData;
}

/**
 * The `prs_*` instruments recorded on every request, query or cache command, kept in
 * plain maps keyed by attribute object and handed to the metric reader as a
 * MetricProducer only when a scrape collects. A synchronous OpenTelemetry instrument
 * hashes its attributes (sort + JSON) on every record; here a record is one map lookup,
 * and a scrape reads the totals without hashing either. Attributes must be
 * identity-stable per label set, as {@link SeriesLimiter} hands them out.
 */
export class MetricTallies implements MetricProducer {
  private readonly tallies = new Map<string, Tally>();
  private readonly startTime = hrTime();

  /**
   * A cumulative monotonic counter. Asked again for the same name (a second Nest app
   * in the process), it hands out the same counter, so `/metrics` never shows a metric twice.
   */
  counter(descriptor: TallyDescriptor): TalliedCounter {
    return this.tally(
      descriptor.name,
      TalliedCounter,
      () => new TalliedCounter(descriptor, this.startTime),
    );
  }

  /** A cumulative histogram with explicit bucket bounds (inclusive upper bounds); shared by name as counters are. */
  histogram(
    descriptor: TallyDescriptor,
    boundaries: readonly number[],
  ): TalliedHistogram {
    return this.tally(
      descriptor.name,
      TalliedHistogram,
      () => new TalliedHistogram(descriptor, boundaries, this.startTime),
    );
  }

  private tally<T extends Tally>(
    name: string,
    kind: abstract new (...args: never[]) => T,
    create: () => T,
  ): T {
    const existing = this.tallies.get(name);
    if (existing === undefined) {
      const created = create();
      this.tallies.set(name, created);
      return created;
    }
    if (!(existing instanceof kind))
      throw new Error(`${name} is already tallied as another kind of metric`);
    existing.shared = true;
    return existing;
  }

  collect(): Promise<CollectionResult> {
    const now = hrTime();
    return Promise.resolve({
      resourceMetrics: {
        // The reader keeps the SDK's resource; this one is not read.
        resource: emptyResource(),
        scopeMetrics: [
          {
            scope: { name: PACKAGE_NAME, version: PACKAGE_VERSION },
            metrics: [...this.tallies.values()].map((tally) =>
              tally.collect(now),
            ),
          },
        ],
      },
      errors: [],
    });
  }
}

function descriptorOf({ name, description, unit = '' }: TallyDescriptor) {
  return { name, description, unit, valueType: ValueType.DOUBLE };
}

/**
 * One cumulative data point per label set, its value a copy of the tally's. When the
 * tally is shared, entries with equal labels (from different writers) are merged into one.
 */
function dataPoints<T, V>(
  tallies: Map<Attributes, T>,
  startTime: HrTime,
  endTime: HrTime,
  valueOf: (tally: T) => V,
  merge: ((into: V, from: T) => V) | undefined,
): DataPoint<V>[] {
  const point = (attributes: Attributes, value: V) => ({
    startTime,
    endTime,
    attributes,
    value,
  });
  if (merge === undefined)
    return [...tallies].map(([attributes, tally]) =>
      point(attributes, valueOf(tally)),
    );
  const merged = new Map<string, DataPoint<V>>();
  for (const [attributes, tally] of tallies) {
    const key = labelKey(attributes);
    const seen = merged.get(key);
    merged.set(
      key,
      point(
        attributes,
        seen === undefined ? valueOf(tally) : merge(seen.value, tally),
      ),
    );
  }
  return [...merged.values()];
}

function labelKey(attributes: Attributes): string {
  let key = '';
  for (const name in attributes) key += `${name}=${String(attributes[name])}\0`;
  return key;
}

/** Totals by attribute object; read at collection. */
export class TalliedCounter extends Tally {
  private readonly totals = new Map<Attributes, number>();

  constructor(
    private readonly descriptor: TallyDescriptor,
    private readonly startTime: HrTime,
  ) {
    super();
  }

  add(value: number, attributes: Attributes): void {
    this.totals.set(attributes, (this.totals.get(attributes) ?? 0) + value);
  }

  collect(now: HrTime): MetricData {
    return {
      descriptor: descriptorOf(this.descriptor),
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.SUM,
      isMonotonic: true,
      dataPoints: dataPoints(
        this.totals,
        this.startTime,
        now,
        (total) => total,
        this.shared ? (sum, total) => sum + total : undefined,
      ),
    };
  }
}

interface HistogramCell {
  /** counts[i] holds values ≤ boundaries[i] (and > boundaries[i-1]); the last is +Inf. */
  readonly counts: number[];
  sum: number;
  count: number;
  min: number;
  max: number;
}

/** Bucket counts, sum, count, min and max by attribute object; read at collection. */
export class TalliedHistogram extends Tally {
  private readonly cells = new Map<Attributes, HistogramCell>();
  private readonly boundaries: readonly number[];

  constructor(
    private readonly descriptor: TallyDescriptor,
    boundaries: readonly number[],
    private readonly startTime: HrTime,
  ) {
    super();
    this.boundaries = [...boundaries];
  }

  record(value: number, attributes: Attributes): void {
    // Durations only: a negative, NaN or infinite value is not recorded (OpenTelemetry's
    // histogram also refuses negatives).
    if (!(value >= 0 && value < Infinity)) return;
    let cell = this.cells.get(attributes);
    if (cell === undefined) {
      cell = {
        counts: new Array<number>(this.boundaries.length + 1).fill(0),
        sum: 0,
        count: 0,
        min: Infinity,
        max: -Infinity,
      };
      this.cells.set(attributes, cell);
    }
    const bounds = this.boundaries;
    let bucket = 0;
    while (bucket < bounds.length && value > (bounds[bucket] as number))
      bucket++;
    cell.counts[bucket]!++;
    cell.sum += value;
    cell.count++;
    if (value < cell.min) cell.min = value;
    if (value > cell.max) cell.max = value;
  }

  collect(now: HrTime): MetricData {
    const boundaries = [...this.boundaries];
    return {
      descriptor: descriptorOf(this.descriptor),
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.HISTOGRAM,
      dataPoints: dataPoints(
        this.cells,
        this.startTime,
        now,
        (cell) => ({
          buckets: { boundaries, counts: [...cell.counts] },
          sum: cell.sum,
          count: cell.count,
          min: cell.min,
          max: cell.max,
        }),
        this.shared
          ? (point, cell) => ({
              buckets: {
                boundaries,
                counts: point.buckets.counts.map((n, i) => n + cell.counts[i]!),
              },
              sum: point.sum + cell.sum,
              count: point.count + cell.count,
              min: Math.min(point.min ?? Infinity, cell.min),
              max: Math.max(point.max ?? -Infinity, cell.max),
            })
          : undefined,
      ),
    };
  }
}
