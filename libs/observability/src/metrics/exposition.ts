import { messages } from '../core/messages';
import type { Attributes } from '@opentelemetry/api';
import {
  type DataPoint,
  DataPointType,
  type Histogram,
  type MetricData,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { exemplarsOf, type TallyExemplar } from '../core/tally-points';
import type { ExpositionFormat } from './exposition-format';

type FamilyType = 'counter' | 'gauge' | 'histogram' | 'untyped';

/** The metrics that share one Prometheus name, written under one HELP and TYPE. */
interface Family {
  readonly type: FamilyType;
  readonly metrics: MetricData[];
}

const NO_METRICS = '# no registered metrics';
const MISSING_HELP = 'description missing';
const TOTAL_SUFFIX = '_total';
const INVALID_NAME_CHARS = /[^a-z0-9_]/gi;
const REPEATED_UNDERSCORES = /_{2,}/g;
const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const MS_PER_SECOND = 1000;

/**
 * OpenTelemetry units with an OpenMetrics name. Only written when the family name ends
 * with it, as OpenMetrics requires (and Prometheus' parser enforces).
 */
const OPENMETRICS_UNITS: ReadonlyMap<string, string> = new Map([
  ['s', 'seconds'],
  ['ms', 'milliseconds'],
  ['By', 'bytes'],
  ['1', 'ratio'],
]);

/**
 * Writes one collection in the given format; both carry the same samples with the same
 * values and labels, so a series is the same whichever format a scraper asks for.
 *
 * Text 0.0.4 is byte for byte what OpenTelemetry's `PrometheusSerializer` writes without
 * prefix, timestamps, resource labels, target_info and otel_scope labels, minus its
 * `# UNIT` lines (OpenMetrics-only): dashboards and rules built on that output keep
 * working. OpenMetrics adds exemplars to histogram buckets and ends with `# EOF`.
 *
 * @param onDropped told why a metric was left out (a name with nothing valid in it, or
 *   one name used with two types); it may be called on every collection.
 */
export function writeExposition(
  resourceMetrics: ResourceMetrics,
  format: ExpositionFormat,
  onDropped?: (message: string) => void,
): string {
  const openMetrics = format === 'openmetrics';
  let out = '';
  for (const [name, family] of familiesOf(resourceMetrics, onDropped)) {
    if (family === null) continue;
    out += openMetrics
      ? openMetricsMetadata(name, family)
      : textMetadata(name, family);
    for (const metric of family.metrics)
      out += samplesOf(name, metric, openMetrics);
  }
  if (openMetrics) return `${out}# EOF\n`;
  return out === '' ? NO_METRICS : out;
}

/** Families by name, in order of first appearance; `null` for a name used with two types. */
function familiesOf(
  resourceMetrics: ResourceMetrics,
  onDropped: ((message: string) => void) | undefined,
): Map<string, Family | null> {
  const families = new Map<string, Family | null>();
  for (const { metrics } of resourceMetrics.scopeMetrics) {
    for (const metric of metrics) {
      const name = prometheusName(metric);
      if (name === undefined) {
        onDropped?.(messages.metricNameInvalid(metric.descriptor.name));
        continue;
      }
      const type = typeOf(metric);
      const family = families.get(name);
      if (family === undefined) families.set(name, { type, metrics: [metric] });
      else if (family === null) continue;
      else if (family.type === type) family.metrics.push(metric);
      else {
        families.set(name, null);
        onDropped?.(messages.metricTypeConflict(name, family.type, type));
      }
    }
  }
  return families;
}

/**
 * OpenTelemetry's name rules for Prometheus: a name is escaped as HELP text before its
 * invalid characters become `_` (OpenTelemetry only warns about such names), a leading
 * digit gets `_`, a monotonic sum gets `_total`.
 */
function prometheusName(metric: MetricData): string | undefined {
  let name = sanitize(escapeHelp(metric.descriptor.name));
  if (name === '' || name === '_') return undefined;
  if (name[0]! >= '0' && name[0]! <= '9') name = `_${name}`;
  if (
    metric.dataPointType === DataPointType.SUM &&
    metric.isMonotonic &&
    !name.endsWith(TOTAL_SUFFIX)
  )
    name += TOTAL_SUFFIX;
  return name;
}

function typeOf(metric: MetricData): FamilyType {
  switch (metric.dataPointType) {
    case DataPointType.SUM:
      return metric.isMonotonic ? 'counter' : 'gauge';
    case DataPointType.GAUGE:
      return 'gauge';
    case DataPointType.HISTOGRAM:
      return 'histogram';
    default:
      return 'untyped';
  }
}

/** The first non-empty description or unit of a family's metrics. */
function firstOf(family: Family, field: 'description' | 'unit'): string {
  for (const { descriptor } of family.metrics)
    if (descriptor[field]) return descriptor[field];
  return '';
}

function textMetadata(name: string, family: Family): string {
  const help = escapeHelp(firstOf(family, 'description') || MISSING_HELP);
  return `# HELP ${name} ${help}\n# TYPE ${name} ${family.type}\n`;
}

/** TYPE, UNIT, HELP in the order the specification recommends; a counter's family drops `_total`. */
function openMetricsMetadata(name: string, family: Family): string {
  const familyName =
    family.type === 'counter' ? name.slice(0, -TOTAL_SUFFIX.length) : name;
  const type = family.type === 'untyped' ? 'unknown' : family.type;
  const unit = OPENMETRICS_UNITS.get(firstOf(family, 'unit'));
  const help = escapeQuoted(firstOf(family, 'description') || MISSING_HELP);
  return (
    `# TYPE ${familyName} ${type}\n` +
    (unit !== undefined && familyName.endsWith(`_${unit}`)
      ? `# UNIT ${familyName} ${unit}\n`
      : '') +
    `# HELP ${familyName} ${help}\n`
  );
}

/** Exponential histograms have no Prometheus form: no samples, as OpenTelemetry writes them. */
function samplesOf(
  name: string,
  metric: MetricData,
  openMetrics: boolean,
): string {
  let out = '';
  if (metric.dataPointType === DataPointType.HISTOGRAM)
    for (const point of metric.dataPoints)
      out += histogramSamples(name, point, openMetrics);
  else if (metric.dataPointType !== DataPointType.EXPONENTIAL_HISTOGRAM)
    for (const point of metric.dataPoints)
      out += `${name}${braced(labelsOf(point.attributes))} ${valueString(point.value)}\n`;
  return out;
}

/**
 * Text 0.0.4: `_count`, `_sum`, then the buckets, as OpenTelemetry orders them.
 * OpenMetrics: buckets (with their exemplars), `_count`, `_sum`; and `_count` only with
 * `_sum`, as the specification requires (OpenTelemetry drops the sum of a histogram that
 * may hold negative values).
 */
function histogramSamples(
  name: string,
  point: DataPoint<Histogram>,
  openMetrics: boolean,
): string {
  const labels = labelsOf(point.attributes);
  const { buckets, count, sum } = point.value;
  const exemplars = openMetrics ? exemplarsOf(point) : undefined;
  const bucketLabels = labels === '' ? '' : `${labels},`;
  let bucketLines = '';
  let cumulative = 0;
  let infinityIsABound = false;
  for (const [i, n] of buckets.counts.entries()) {
    cumulative += n;
    const bound = buckets.boundaries[i];
    // Some aggregations list Infinity as the last bound; there is one +Inf bucket either way.
    if (bound === undefined && infinityIsABound) break;
    if (bound === Infinity) infinityIsABound = true;
    const le =
      bound === undefined || bound === Infinity ? '+Inf' : String(bound);
    bucketLines += `${name}_bucket{${bucketLabels}le="${le}"} ${valueString(cumulative)}${exemplarText(exemplars?.[i])}\n`;
  }
  const countLine = `${name}_count${braced(labels)} ${valueString(count)}\n`;
  const sumLine =
    sum === undefined
      ? ''
      : `${name}_sum${braced(labels)} ${valueString(sum)}\n`;
  if (!openMetrics) return countLine + sumLine + bucketLines;
  return bucketLines + (sum === undefined ? '' : countLine + sumLine);
}

/**
 * ` # {trace_id="…",span_id="…"} value seconds`. An exemplar with malformed ids is left
 * out: one bad exemplar would make the whole OpenMetrics exposition invalid.
 */
function exemplarText(exemplar: TallyExemplar | undefined): string {
  if (
    exemplar === undefined ||
    !TRACE_ID.test(exemplar.traceId) ||
    !SPAN_ID.test(exemplar.spanId)
  )
    return '';
  const seconds = (exemplar.timeUnixMs / MS_PER_SECOND).toFixed(3);
  return ` # {trace_id="${exemplar.traceId}",span_id="${exemplar.spanId}"} ${valueString(exemplar.value)} ${seconds}`;
}

/** `name="value",…` in attribute order; non-string values as JSON, as OpenTelemetry writes them. */
function labelsOf(attributes: Attributes): string {
  let labels = '';
  for (const key of Object.keys(attributes)) {
    const value = attributes[key];
    const text =
      value === undefined
        ? ''
        : typeof value === 'string'
          ? value
          : JSON.stringify(value);
    labels += `${labels === '' ? '' : ','}${sanitize(key)}="${escapeQuoted(text)}"`;
  }
  return labels;
}

function braced(labels: string): string {
  return labels === '' ? '' : `{${labels}}`;
}

function sanitize(name: string): string {
  return name
    .replace(INVALID_NAME_CHARS, '_')
    .replace(REPEATED_UNDERSCORES, '_');
}

function valueString(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/** Text 0.0.4 HELP escaping: backslash and newline. */
function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** Label values in both formats, and OpenMetrics HELP: backslash, newline and double quote. */
function escapeQuoted(text: string): string {
  return escapeHelp(text).replace(/"/g, '\\"');
}
