import type { MetricReader } from '@opentelemetry/sdk-metrics';
import { writeExposition } from '../metrics/exposition';

/** Label names and values of one series. */
export type Labels = Record<string, string>;

/** One sample of the `/metrics` exposition, as a test reads it. */
export interface MetricSeries {
  /** The sample's name: the family's, or `<family>_bucket|_sum|_count` of a histogram. */
  readonly name: string;
  readonly labels: Labels;
  /** Counters and histograms: the increase since the last reset; gauges: the value. */
  readonly value: number;
}

interface Sample extends MetricSeries {
  /** Whether the sample only grows (counter, histogram bucket/sum/count). */
  readonly cumulative: boolean;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
const HISTOGRAM_SUFFIX = /_(bucket|sum|count)$/;

/**
 * Reads the series `/metrics` would serve right now, from the same reader and through
 * the same serializer, minus what they held at the last {@link reset} for the samples
 * that only grow (OpenTelemetry's cumulative instruments cannot be zeroed).
 */
export class MetricSeriesReader {
  private baseline = new Map<string, number>();

  constructor(private readonly reader: MetricReader) {}

  async read(): Promise<MetricSeries[]> {
    return (await this.collect()).map(
      ({ name, labels, value, cumulative }) => ({
        name,
        labels,
        value: cumulative
          ? value - (this.baseline.get(keyOf(name, labels)) ?? 0)
          : value,
      }),
    );
  }

  /** From now on, counters and histograms count from zero. */
  async reset(): Promise<void> {
    const baseline = new Map<string, number>();
    for (const sample of await this.collect())
      if (sample.cumulative)
        baseline.set(keyOf(sample.name, sample.labels), sample.value);
    this.baseline = baseline;
  }

  private async collect(): Promise<Sample[]> {
    const { resourceMetrics } = await this.reader.collect();
    return parseExposition(writeExposition(resourceMetrics, 'text'));
  }
}

/** Parses Prometheus text format 0.0.4 as `writeExposition()` writes it. */
export function parseExposition(text: string): Sample[] {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('# TYPE ')) {
      const [, , family, type] = line.split(' ');
      if (family !== undefined && type !== undefined) types.set(family, type);
      continue;
    }
    const match = SAMPLE.exec(line);
    if (line.startsWith('#') || !match) continue;
    const name = match[1] as string;
    const labels: Labels = {};
    for (const [, label, value] of (match[2] ?? '').matchAll(LABEL))
      labels[label as string] = unescape(value as string);
    const type =
      types.get(name) ?? types.get(name.replace(HISTOGRAM_SUFFIX, ''));
    samples.push({
      name,
      labels,
      value: Number(match[3]),
      cumulative: type === 'counter' || type === 'histogram',
    });
  }
  return samples;
}

/** `name{a="1",b="2"}`, labels sorted: how a series is shown and keyed. */
export function formatSeries(name: string, labels: Labels): string {
  const pairs = Object.keys(labels)
    .sort()
    .map((key) => `${key}=${JSON.stringify(labels[key])}`);
  return pairs.length === 0 ? name : `${name}{${pairs.join(',')}}`;
}

function keyOf(name: string, labels: Labels): string {
  return formatSeries(name, labels);
}

function unescape(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}
