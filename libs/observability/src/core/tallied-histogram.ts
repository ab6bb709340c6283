import { performance } from 'node:perf_hooks';
import {
  type Attributes,
  type HrTime,
  type SpanContext,
  TraceFlags,
} from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import {
  dataPoints,
  descriptorOf,
  type HistogramPointWithExemplars,
  Tally,
  type TallyDescriptor,
  type TallyExemplar,
} from './tally-points';

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
