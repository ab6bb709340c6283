/** One sample line of Prometheus text format, parsed. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Fetches `/metrics` text. */
export async function scrape(url: string, init?: RequestInit): Promise<string> {
  const res = await fetch(url, init);
  if (res.status !== 200)
    throw new Error(`scrape ${url} answered ${res.status}`);
  return res.text();
}

/** Sample lines starting with `name{` or `name ` (no HELP/TYPE). */
export function linesOf(text: string, name: string): string[] {
  return text
    .split('\n')
    .filter(
      (line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `),
    );
}

/** Parses every sample line (simple parser: label values without escaped quotes). */
export function parseSamples(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`unparseable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(
      /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g,
    )) {
      labels[pair[1] as string] = pair[2] as string;
    }
    samples.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  return samples;
}

/** Value of the one sample of `name` whose labels include `labels`, or undefined. */
export function valueOf(
  text: string,
  name: string,
  labels: Record<string, string>,
): number | undefined {
  const found = parseSamples(text).filter(
    (s) =>
      s.name === name &&
      Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (found.length > 1)
    throw new Error(
      `${found.length} samples of ${name} match ${JSON.stringify(labels)}`,
    );
  return found[0]?.value;
}
