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
import { PACKAGE_NAME, PACKAGE_VERSION } from '../package-info';

/** What a tallied instrument is called and says of itself on `/metrics`. */
export interface TallyDescriptor {
  readonly name: string;
  readonly description: string;
  readonly unit?: string;
}

interface Tally {
  collect(now: HrTime): MetricData;
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
  private readonly tallies: Tally[] = [];
  private readonly startTime = hrTime();

  /** A cumulative monotonic counter. */
  counter(descriptor: TallyDescriptor): TalliedCounter {
    const counter = new TalliedCounter(descriptor, this.startTime);
    this.tallies.push(counter);
    return counter;
  }

  /** A cumulative histogram with explicit bucket bounds (inclusive upper bounds). */
  histogram(
    descriptor: TallyDescriptor,
    boundaries: readonly number[],
  ): TalliedHistogram {
    const histogram = new TalliedHistogram(
      descriptor,
      boundaries,
      this.startTime,
    );
    this.tallies.push(histogram);
    return histogram;
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
            metrics: this.tallies.map((tally) => tally.collect(now)),
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

/** One cumulative data point per attribute object, its value a copy of the tally's. */
function dataPoints<T, V>(
  tallies: Map<Attributes, T>,
  startTime: HrTime,
  endTime: HrTime,
  valueOf: (tally: T) => V,
): DataPoint<V>[] {
  const points: DataPoint<V>[] = [];
  for (const [attributes, tally] of tallies)
    points.push({ startTime, endTime, attributes, value: valueOf(tally) });
  return points;
}

/** Totals by attribute object; read at collection. */
export class TalliedCounter implements Tally {
  private readonly totals = new Map<Attributes, number>();

  constructor(
    private readonly descriptor: TallyDescriptor,
    private readonly startTime: HrTime,
  ) {}

  add(value: number, attributes: Attributes): void {
    this.totals.set(attributes, (this.totals.get(attributes) ?? 0) + value);
  }

  collect(now: HrTime): MetricData {
    return {
      descriptor: descriptorOf(this.descriptor),
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.SUM,
      isMonotonic: true,
      dataPoints: dataPoints(this.totals, this.startTime, now, (v) => v),
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
export class TalliedHistogram implements Tally {
  private readonly cells = new Map<Attributes, HistogramCell>();
  private readonly boundaries: readonly number[];

  constructor(
    private readonly descriptor: TallyDescriptor,
    boundaries: readonly number[],
    private readonly startTime: HrTime,
  ) {
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
      dataPoints: dataPoints(this.cells, this.startTime, now, (cell) => ({
        buckets: { boundaries, counts: [...cell.counts] },
        sum: cell.sum,
        count: cell.count,
        min: cell.min,
        max: cell.max,
      })),
    };
  }
}
