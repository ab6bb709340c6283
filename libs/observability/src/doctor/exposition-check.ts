const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"\s*(,|$)/y;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const VALUE =
  /^(?:[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|[+-]?Inf|NaN)$/;

/** What a scrape held, when it is valid. */
export interface ExpositionSummary {
  samples: number;
  /** Sample names, deduplicated. */
  names: Set<string>;
}

/**
 * Validates Prometheus text format 0.0.4 line by line: comment lines, metric and label
 * names, label value escapes, sample values and timestamps, one `# TYPE` per family
 * (before its samples), no repeated series. Returns the first problem as a string, or
 * the summary. Hand-written: no maintained exposition parser exists on npm (prom-client
 * only writes the format), and Prometheus' own rules fit in these few lines.
 */
export function checkExposition(text: string): ExpositionSummary | string {
  const typed = new Map<string, string>();
  const seen = new Set<string>();
  const names = new Set<string>();
  let samples = 0;
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const [index, line] of lines.entries()) {
    const at = `line ${index + 1}`;
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const [, keyword, name, rest] =
        /^#\s+(\S+)\s+(\S+)\s*(.*)$/.exec(line) ?? [];
      if (keyword === 'TYPE') {
        if (!METRIC_NAME.test(name ?? ''))
          return `${at}: invalid metric name in TYPE`;
        if (!TYPES.has(rest ?? ''))
          return `${at}: unknown metric type "${rest}"`;
        if (typed.has(name!)) return `${at}: second TYPE line for ${name}`;
        if ([...names].some((n) => familyOf(n, rest!) === name))
          return `${at}: TYPE line for ${name} after its samples`;
        typed.set(name!, rest!);
      }
      continue;
    }
    const sample = parseSample(line);
    if (typeof sample === 'string') return `${at}: ${sample}`;
    const series = `${sample.name}{${sample.labels.sort().join(',')}}`;
    if (seen.has(series)) return `${at}: repeated series ${series}`;
    seen.add(series);
    names.add(sample.name);
    samples++;
  }
  return { samples, names };
}

function parseSample(
  line: string,
): { name: string; labels: string[] } | string {
  const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0];
  if (name === undefined) return 'invalid metric name';
  let rest = line.slice(name.length);
  const labels: string[] = [];
  if (rest.startsWith('{')) {
    const close = findLabelsEnd(rest);
    if (close === -1) return 'unterminated label set';
    const body = rest.slice(1, close);
    LABEL.lastIndex = 0;
    while (LABEL.lastIndex < body.length) {
      const match = LABEL.exec(body);
      if (match === null) return 'invalid label pair';
      labels.push(`${match[1]}=${match[2]}`);
      if (match[3] === '') break;
    }
    rest = rest.slice(close + 1);
  }
  const [value, timestamp, extra] = rest.trim().split(/\s+/);
  if (!rest.startsWith(' ') || value === undefined || !VALUE.test(value))
    return `invalid sample value "${value ?? ''}"`;
  if (timestamp !== undefined && !/^-?\d+$/.test(timestamp))
    return `invalid timestamp "${timestamp}"`;
  if (extra !== undefined) return 'unexpected text after the timestamp';
  return { name, labels };
}

/** Index of the `}` closing the label set that opens `text`, skipping quoted values. */
function findLabelsEnd(text: string): number {
  let quoted = false;
  for (let i = 1; i < text.length; i++) {
    const ch = text[i];
    if (quoted && ch === '\\') i++;
    else if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '}') return i;
  }
  return -1;
}

function familyOf(sampleName: string, type: string): string {
  const suffixes =
    type === 'histogram'
      ? ['_bucket', '_sum', '_count']
      : type === 'summary'
        ? ['_sum', '_count']
        : [];
  const suffix = suffixes.find((s) => sampleName.endsWith(s));
  return suffix ? sampleName.slice(0, -suffix.length) : sampleName;
}
