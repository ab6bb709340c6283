import { type Attributes, type HrTime, ValueType } from '@opentelemetry/api';
import type {
  DataPoint,
  Histogram,
  MetricData,
} from '@opentelemetry/sdk-metrics';

/*
 * What the tallies hand to readers: the data model shared by the tallied instruments, the
 * delta producer and the serializers (exemplars on histogram points).
 */

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

/** A tallied instrument. */
export abstract class Tally {
  /**
   * Set once a second writer took this tally: each writer's series limiter hands out
   * its own attribute objects, so equal label sets are merged at collection.
   */
  shared = false;
  abstract collect(now: HrTime): MetricData;
}

/** The OpenTelemetry descriptor of a tally. */
export function descriptorOf({
  name,
  description,
  unit = '',
}: TallyDescriptor) {
  return { name, description, unit, valueType: ValueType.DOUBLE };
}

/**
 * One cumulative data point per label set, its value a copy of the tally's. When the
 * tally is shared, entries with equal labels (from different writers) are merged into one.
 */
export function dataPoints<T, P extends DataPoint<unknown>>(
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

/** A label set as a string, for merging equal label sets held under different objects. */
export function labelKey(attributes: Attributes): string {
  let key = '';
  for (const name in attributes) key += `${name}=${String(attributes[name])}\0`;
  return key;
}
