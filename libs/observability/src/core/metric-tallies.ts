import type { Attributes, HrTime } from '@opentelemetry/api';
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
import { DeltaProducer } from './delta-producer';
import { PACKAGE_NAME, PACKAGE_VERSION } from './package-info';
import { TalliedHistogram } from './tallied-histogram';
import {
  dataPoints,
  descriptorOf,
  Tally,
  type TallyDescriptor,
} from './tally-points';

export type { TalliedHistogram } from './tallied-histogram';

/** Options of {@link MetricTallies}. */
export interface MetricTalliesOptions {
  /**
   * Keep exemplars (trace and span ids of sampled requests) on histogram buckets. Off
   * when tracing is off: spans are then never exported, so their ids would open nothing.
   * @default false
   */
  readonly exemplars?: boolean;
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
      ? new DeltaProducer((now) => this.collectAt(now), this.startTime)
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
