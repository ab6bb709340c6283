import { type MetricNames, metricNames } from '../core/metric-names';
import type { LogLine } from './log-lines';
import { type Expected, listing, matches, show } from './matching';
import {
  formatSeries,
  type Labels,
  type MetricSeries,
  MetricSeriesReader,
} from './metric-series';
import {
  describeSpan,
  lastRequestTree,
  type RecordedSpan,
  type SpanMatch,
  spanMatches,
  type SpanTreeNode,
  toRecordedSpan,
} from './recorded-spans';
import { TelemetryExpectationError } from './telemetry-expectation.error';
import type { TestingSdk } from './testing-sdk';

/** How often one business event type ended with one status since the last reset. */
export interface BusinessEventCount {
  readonly eventType: string;
  readonly status: string;
  readonly count: number;
}

/**
 * What the app recorded in this test: the `/metrics` series, the finished spans and
 * the JSON log lines, read from the in-memory SDK of `ObservabilityTestingModule`.
 * Each reader settles the event loop first, so a response's request log and server
 * span are in. Helpers that expect something throw a {@link TelemetryExpectationError}
 * listing what was recorded instead.
 *
 * @example
 * ```ts
 * const telemetry = app.get(TestTelemetry);
 * await request(app.getHttpServer()).post('/deals').expect(201);
 * await telemetry.expectBusinessEvent('deal_creation');
 * ```
 */
export class TestTelemetry {
  /** The exposition names under the module's metric prefix. */
  readonly names: MetricNames;
  private readonly series: MetricSeriesReader;

  constructor(
    private readonly sdk: TestingSdk,
    prefix = 'prs',
  ) {
    this.names = metricNames(prefix);
    this.series = new MetricSeriesReader(sdk.reader);
  }

  /**
   * Forgets what was recorded: spans and log lines are cleared, counters and
   * histograms count from zero again (gauges keep their value). Call it in `beforeEach`.
   */
  async reset(): Promise<void> {
    await settle();
    this.sdk.spans.reset();
    this.sdk.logs.clear();
    await this.series.reset();
  }

  /** Every series `/metrics` serves (of `name` only, when given). */
  async metricSeries(name?: string): Promise<MetricSeries[]> {
    await settle();
    const all = await this.series.read();
    return name === undefined ? all : all.filter((s) => s.name === name);
  }

  /**
   * The value of the one series of `name` whose labels include `labels`; counters and
   * histogram samples (`_count`, `_sum`, `_bucket`) count since the last reset.
   * @throws TelemetryExpectationError when no series or more than one matches.
   */
  async metric(name: string, labels: Labels = {}): Promise<number> {
    await settle();
    const all = await this.series.read();
    const found = all.filter(
      (s) => s.name === name && matches(s.labels, labels),
    );
    if (found.length === 1) return (found[0] as MetricSeries).value;
    const wanted = formatSeries(name, labels);
    throw new TelemetryExpectationError(
      found.length === 0
        ? `No series ${wanted} was recorded. ${recordedSeries(all, name)}`
        : `${found.length} series match ${wanted}; name more labels:\n${listing(found.map(line))}`,
    );
  }

  /**
   * Expects the series of `name` with `labels` to have `value`.
   * @throws TelemetryExpectationError listing the series recorded instead.
   */
  async expectMetric(
    name: string,
    labels: Labels,
    value: number,
  ): Promise<void> {
    const actual = await this.metric(name, labels);
    if (actual !== value)
      throw new TelemetryExpectationError(
        `Expected ${formatSeries(name, labels)} to be ${value}, but it is ${actual}. ${recordedSeries(await this.series.read(), name)}`,
      );
  }

  /** The finished spans matching `match` (all of them by default), in the order they ended. */
  async spans(match: SpanMatch = {}): Promise<RecordedSpan[]> {
    await settle();
    return this.recordedSpans().filter((span) => spanMatches(span, match));
  }

  /**
   * The last finished span matching `match`.
   * @throws TelemetryExpectationError listing the spans recorded when none matches.
   */
  async span(match: SpanMatch): Promise<RecordedSpan> {
    const found = await this.spans(match);
    const last = found[found.length - 1];
    if (last !== undefined) return last;
    throw new TelemetryExpectationError(
      `No span matches ${show(match)}. Recorded spans:\n${listing(this.recordedSpans().map(describeSpan))}`,
    );
  }

  /**
   * The span tree of the last request served (its server span, the handler span, the
   * pg/ioredis spans under them), as plain objects for `toMatchObject`.
   * @throws TelemetryExpectationError when no request was traced.
   */
  async lastRequestTrace(): Promise<SpanTreeNode> {
    await settle();
    const spans = this.recordedSpans();
    const tree = lastRequestTree(spans);
    if (tree !== undefined) return tree;
    throw new TelemetryExpectationError(
      `No request was traced (no server span without a local parent). Recorded spans:\n${listing(spans.map(describeSpan))}`,
    );
  }

  /** The JSON log lines whose fields match `fields` (all of them by default), oldest first. */
  async logs(fields: Record<string, Expected> = {}): Promise<LogLine[]> {
    await settle();
    return this.sdk.logs.all().filter((line) => matches(line, fields));
  }

  /**
   * The last log line whose fields match `fields` (RegExps for strings, nested
   * objects partially).
   * @throws TelemetryExpectationError listing the lines recorded when none matches.
   */
  async log(fields: Record<string, Expected>): Promise<LogLine> {
    const found = await this.logs(fields);
    const last = found[found.length - 1];
    if (last !== undefined) return last;
    throw new TelemetryExpectationError(
      `No log line matches ${show(fields)}. Recorded lines:\n${listing(this.sdk.logs.all().map((l) => show(l)))}`,
    );
  }

  /** The business events counted since the last reset (`prs_business_events_total`). */
  async businessEvents(): Promise<BusinessEventCount[]> {
    return (await this.metricSeries(this.names.businessEvents))
      .filter((s) => s.value !== 0)
      .map((s) => ({
        eventType: s.labels.event_type ?? '',
        status: s.labels.status ?? '',
        count: s.value,
      }));
  }

  /**
   * Expects `eventType` to have been counted `times` times with `status` since the
   * last reset.
   * @throws TelemetryExpectationError listing the business events recorded instead.
   */
  async expectBusinessEvent(
    eventType: string,
    status: 'success' | 'failure' = 'success',
    times = 1,
  ): Promise<void> {
    const events = await this.businessEvents();
    const count =
      events.find((e) => e.eventType === eventType && e.status === status)
        ?.count ?? 0;
    if (count === times) return;
    const recorded = events.map(
      (e) => `${e.eventType} ${e.status}: ${e.count}`,
    );
    throw new TelemetryExpectationError(
      `Expected business event ${eventType} (${status}) ${times} time(s), but it was recorded ${count} time(s). Recorded business events:\n${listing(recorded)}`,
    );
  }

  private recordedSpans(): RecordedSpan[] {
    return this.sdk.spans.getFinishedSpans().map(toRecordedSpan);
  }
}

/** Lets the turn's pending log flush and span ends run (both happen in setImmediate). */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function line(series: MetricSeries): string {
  return `${formatSeries(series.name, series.labels)} ${series.value}`;
}

function recordedSeries(all: readonly MetricSeries[], name: string): string {
  const same = all.filter((s) => s.name === name);
  if (same.length > 0)
    return `Recorded series of ${name}:\n${listing(same.map(line))}`;
  const names = [...new Set(all.map((s) => s.name))];
  return `No series of ${name} at all; recorded metric names:\n${listing(names)}`;
}
