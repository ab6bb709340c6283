import { performance } from 'node:perf_hooks';
import {
  type Attributes,
  type HrTime,
  type SpanContext,
  TraceFlags,
  ValueType,
} from '@opentelemetry/api';
import { hrTime, hrTimeToMilliseconds } from '@opentelemetry/core';
import { emptyResource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  type CollectionResult,
  type DataPoint,
  DataPointType,
  type Histogram,
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

/**
 * A sampled trace that fell in a histogram bucket: the last one recorded there. It lets
 * a latency panel open the trace of a request in the spike (OpenMetrics and OTLP exemplars).
 */
export interface TallyExemplar {
  readonly value: number;
  /** Milliseconds since the Unix epoch. */
  readonly timeUnixMs: number;
  /** 32 lower-case hex digits. */
  readonly traceId: string;
  /** 16 lower-case hex digits. */
  readonly spanId: string;
}

/**
 * A histogram data point the tallies produce: OpenTelemetry's, plus at most one exemplar
 * per bucket (`exemplars[i]` belongs to `counts[i]`; the last index is the +Inf bucket).
 * OpenTelemetry's own serializers ignore the extra field.
 */
export interface HistogramPointWithExemplars extends DataPoint<Histogram> {
  readonly exemplars?: readonly (TallyExemplar | undefined)[];
}

/** The exemplars of a histogram data point, by bucket; `undefined` when it has none. */
export function exemplarsOf(
  point: DataPoint<unknown>,
): readonly (TallyExemplar | undefined)[] | undefined {
  return (point as HistogramPointWithExemplars).exemplars;
}

/** Options of {@link MetricTallies}. */
export interface MetricTalliesOptions {
  /**
   * Keep exemplars (trace and span ids of sampled requests) on histogram buckets. Off
   * when tracing is off: spans are then never exported, so their ids would open nothing.
   * @default false
   */
  readonly exemplars?: boolean;
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
 * plain maps keyed by attribute object and handed to each metric reader as a
 * MetricProducer only when it collects. A synchronous OpenTelemetry instrument hashes
 * its attributes (sort + JSON) on every record; here a record is one map lookup, and a
 * collection reads the totals without hashing either. Attributes must be
 * identity-stable per label set, as {@link SeriesLimiter} hands them out.
 *
 * Every reader reads the same tallies, so a Prometheus scrape and an OTLP export at the
 * same instant carry the same values. Collected as is, they are cumulative; a reader
 * that wants deltas takes its own {@link MetricTallies.producer}.
 */
export class MetricTallies implements MetricProducer {
  private readonly tallies = new Map<string, Tally>();
  private readonly startTime = hrTime();
  private readonly exemplars: boolean;

  constructor(options: MetricTalliesOptions = {}) {
    this.exemplars = options.exemplars ?? false;
  }

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
      () =>
        new TalliedHistogram(
          descriptor,
          boundaries,
          this.startTime,
          this.exemplars,
        ),
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

  /** Cumulative metrics, as a pull reader (Prometheus) collects them. */
  collect(): Promise<CollectionResult> {
    return Promise.resolve(this.collectAt(hrTime()));
  }

  /**
   * A producer for one reader with the given temporality: the tallies themselves when
   * cumulative; for delta, a view that remembers what it last handed out.
   */
  producer(temporality: AggregationTemporality): MetricProducer {
    return temporality === AggregationTemporality.DELTA
      ? new DeltaProducer(this, this.startTime)
      : this;
  }

  /** @internal */
  collectAt(now: HrTime): CollectionResult {
    return {
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
    };
  }
}

/**
 * Delta temporality over the cumulative tallies: each collection hands out what changed
 * since the previous one (series with no new records are left out) and remembers the
 * totals. Memory: one number or one bucket array per series, bounded by the series limit.
 * Histogram min and max are not reported (they are not known per interval).
 */
class DeltaProducer implements MetricProducer {
  private readonly previous = new Map<string, Map<string, unknown>>();
  private lastTime: HrTime;

  constructor(
    private readonly tallies: MetricTallies,
    startTime: HrTime,
  ) {
    this.lastTime = startTime;
  }

  collect(): Promise<CollectionResult> {
    const now = hrTime();
    const result = this.tallies.collectAt(now);
    const since = this.lastTime;
    const sinceMs = hrTimeToMilliseconds(since);
    for (const scope of result.resourceMetrics.scopeMetrics) {
      scope.metrics = scope.metrics.map((metric) => {
        let seen = this.previous.get(metric.descriptor.name);
        if (seen === undefined) {
          seen = new Map<string, unknown>();
          this.previous.set(metric.descriptor.name, seen);
        }
        return deltaOf(metric, seen, since, sinceMs);
      });
    }
    this.lastTime = now;
    return Promise.resolve(result);
  }
}

function deltaOf(
  metric: MetricData,
  seen: Map<string, unknown>,
  since: HrTime,
  sinceMs: number,
): MetricData {
  if (metric.dataPointType === DataPointType.SUM) {
    const dataPoints: DataPoint<number>[] = [];
    for (const point of metric.dataPoints) {
      const key = labelKey(point.attributes);
      const before = (seen.get(key) as number | undefined) ?? 0;
      seen.set(key, point.value);
      if (point.value !== before)
        dataPoints.push({
          ...point,
          startTime: since,
          value: point.value - before,
        });
    }
    return {
      ...metric,
      aggregationTemporality: AggregationTemporality.DELTA,
      dataPoints,
    };
  }
  if (metric.dataPointType === DataPointType.HISTOGRAM) {
    const dataPoints: HistogramPointWithExemplars[] = [];
    for (const point of metric.dataPoints) {
      const key = labelKey(point.attributes);
      const before = seen.get(key) as Histogram | undefined;
      const now = point.value;
      seen.set(key, now);
      if (before !== undefined && now.count === before.count) continue;
      const exemplars = exemplarsOf(point)?.map((exemplar) =>
        exemplar !== undefined && exemplar.timeUnixMs > sinceMs
          ? exemplar
          : undefined,
      );
      dataPoints.push({
        attributes: point.attributes,
        startTime: since,
        endTime: point.endTime,
        value: {
          buckets: {
            boundaries: now.buckets.boundaries,
            counts: now.buckets.counts.map(
              (n, i) => n - (before?.buckets.counts[i] ?? 0),
            ),
          },
          sum: (now.sum ?? 0) - (before?.sum ?? 0),
          count: now.count - (before?.count ?? 0),
        },
        ...(exemplars !== undefined ? { exemplars } : {}),
      });
    }
    return {
      ...metric,
      aggregationTemporality: AggregationTemporality.DELTA,
      dataPoints,
    };
  }
  return metric;
}

function descriptorOf({ name, description, unit = '' }: TallyDescriptor) {
  return { name, description, unit, valueType: ValueType.DOUBLE };
}

/**
 * One cumulative data point per label set, its value a copy of the tally's. When the
 * tally is shared, entries with equal labels (from different writers) are merged into one.
 */
function dataPoints<T, P extends DataPoint<unknown>>(
  tallies: Map<Attributes, T>,
  pointOf: (attributes: Attributes, tally: T) => P,
  merge: ((into: P, from: T) => P) | undefined,
): P[] {
  if (merge === undefined)
    return [...tallies].map(([attributes, tally]) =>
      pointOf(attributes, tally),
    );
  const merged = new Map<string, P>();
  for (const [attributes, tally] of tallies) {
    const key = labelKey(attributes);
    const seen = merged.get(key);
    merged.set(
      key,
      seen === undefined ? pointOf(attributes, tally) : merge(seen, tally),
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
    const { startTime } = this;
    return {
      descriptor: descriptorOf(this.descriptor),
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.SUM,
      isMonotonic: true,
      dataPoints: dataPoints(
        this.totals,
        (attributes, value): DataPoint<number> => ({
          startTime,
          endTime: now,
          attributes,
          value,
        }),
        this.shared
          ? (point, total) => ({ ...point, value: point.value + total })
          : undefined,
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
  /**
   * The last sampled exemplar per bucket, in parallel arrays allocated with the first
   * one, so recording an exemplar stores four values and allocates nothing.
   */
  exemplars: CellExemplars | undefined;
}

interface CellExemplars {
  readonly traceIds: (string | undefined)[];
  readonly spanIds: string[];
  readonly values: Float64Array;
  readonly times: Float64Array;
}

/** Bucket counts, sum, count, min, max and exemplars by attribute object; read at collection. */
export class TalliedHistogram extends Tally {
  private readonly cells = new Map<Attributes, HistogramCell>();
  private readonly boundaries: readonly number[];

  constructor(
    private readonly descriptor: TallyDescriptor,
    boundaries: readonly number[],
    private readonly startTime: HrTime,
    private readonly keepExemplars = false,
  ) {
    super();
    this.boundaries = [...boundaries];
  }

  /**
   * Records one value. With exemplars on, a sampled `trace` (the span the value measured)
   * becomes its bucket's exemplar.
   */
  record(value: number, attributes: Attributes, trace?: SpanContext): void {
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
        exemplars: undefined,
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
    if (
      trace !== undefined &&
      this.keepExemplars &&
      (trace.traceFlags & TraceFlags.SAMPLED) !== 0
    ) {
      const exemplars = (cell.exemplars ??= newCellExemplars(
        cell.counts.length,
      ));
      exemplars.traceIds[bucket] = trace.traceId;
      exemplars.spanIds[bucket] = trace.spanId;
      exemplars.values[bucket] = value;
      // The clock hrTime() reads, sub-millisecond: a delta reader compares it with its last collection.
      exemplars.times[bucket] = performance.timeOrigin + performance.now();
    }
  }

  collect(now: HrTime): MetricData {
    const { boundaries, startTime } = this;
    return {
      descriptor: descriptorOf(this.descriptor),
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.HISTOGRAM,
      dataPoints: dataPoints(
        this.cells,
        (attributes, cell): HistogramPointWithExemplars => ({
          startTime,
          endTime: now,
          attributes,
          value: {
            buckets: { boundaries: [...boundaries], counts: [...cell.counts] },
            sum: cell.sum,
            count: cell.count,
            min: cell.min,
            max: cell.max,
          },
          ...(cell.exemplars !== undefined
            ? { exemplars: exemplarList(cell.exemplars) }
            : {}),
        }),
        this.shared ? mergeCell : undefined,
      ),
    };
  }
}

function newCellExemplars(buckets: number): CellExemplars {
  return {
    traceIds: new Array<string | undefined>(buckets).fill(undefined),
    spanIds: new Array<string>(buckets).fill(''),
    values: new Float64Array(buckets),
    times: new Float64Array(buckets),
  };
}

function exemplarList(cell: CellExemplars): (TallyExemplar | undefined)[] {
  return cell.traceIds.map((traceId, i) =>
    traceId === undefined
      ? undefined
      : {
          value: cell.values[i]!,
          timeUnixMs: cell.times[i]!,
          traceId,
          spanId: cell.spanIds[i]!,
        },
  );
}

/** Adds a second writer's cell to a point; per bucket, the newer exemplar wins. */
function mergeCell(
  point: HistogramPointWithExemplars,
  cell: HistogramCell,
): HistogramPointWithExemplars {
  const { value } = point;
  const theirs = cell.exemplars && exemplarList(cell.exemplars);
  const exemplars =
    theirs === undefined
      ? point.exemplars
      : theirs.map((exemplar, i) => {
          const ours = point.exemplars?.[i];
          return ours === undefined ||
            (exemplar !== undefined && exemplar.timeUnixMs > ours.timeUnixMs)
            ? exemplar
            : ours;
        });
  return {
    ...point,
    value: {
      buckets: {
        boundaries: value.buckets.boundaries,
        counts: value.buckets.counts.map((n, i) => n + cell.counts[i]!),
      },
      sum: (value.sum ?? 0) + cell.sum,
      count: value.count + cell.count,
      min: Math.min(value.min ?? Infinity, cell.min),
      max: Math.max(value.max ?? -Infinity, cell.max),
    },
    ...(exemplars !== undefined ? { exemplars } : {}),
  };
}
