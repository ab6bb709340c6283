import type { ConfigProblem } from '../core/observability-config.error';

/** The process environment, or a stand-in in tests. */
export type Env = Readonly<Record<string, string | undefined>>;

/** The trimmed value, or `undefined` when empty. */
export function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** `true`/`false` (any case) or unset; anything else is a problem. */
export function parseBooleanEnv(
  env: Env,
  name: string,
  problems: ConfigProblem[],
): boolean | undefined {
  const raw = nonEmpty(env[name])?.toLowerCase();
  if (raw === undefined) return undefined;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  problems.push({
    path: name,
    message: `must be "true" or "false" (got ${JSON.stringify(env[name])})`,
  });
  return undefined;
}

/** Whether `value` parses as an http(s) URL. */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** One key's value from an `OTEL_RESOURCE_ATTRIBUTES`-style `k=v,k2=v2` list. */
export function resourceAttribute(
  list: string | undefined,
  key: string,
): string | undefined {
  for (const pair of list?.split(',') ?? []) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === key) {
      const raw = pair.slice(eq + 1);
      try {
        return nonEmpty(decodeURIComponent(raw));
      } catch {
        return nonEmpty(raw);
      }
    }
  }
  return undefined;
}

/**
 * A whole number in `[min, max]` from `name`, or `undefined` when unset; anything else
 * (units such as `10s`, fractions, negatives) is a problem naming the variable.
 */
export function parseIntegerEnv(
  env: Env,
  name: string,
  min: number,
  max: number,
  problems: ConfigProblem[],
): number | undefined {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return undefined;
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (Number.isSafeInteger(value) && value >= min && value <= max) return value;
  problems.push({
    path: name,
    message: `must be a whole number from ${min} to ${max} (got ${JSON.stringify(raw.slice(0, 40))})`,
  });
  return undefined;
}

// RFC 9110 token characters: what a header name may contain.
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Whether `name` is a valid HTTP header name. */
export function isHeaderName(name: string): boolean {
  return HEADER_NAME.test(name);
}

/**
 * Headers from an `OTEL_EXPORTER_OTLP_HEADERS`-style variable: W3C-baggage-like
 * `key=value` pairs separated by commas, values percent-decoded. A malformed entry is a
 * problem that names the variable and the entry's position, never its value (these
 * variables carry tokens).
 */
export function parseHeadersEnv(
  env: Env,
  name: string,
  problems: ConfigProblem[],
): Record<string, string> {
  const headers: Record<string, string> = {};
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return headers;
  const bad: number[] = [];
  raw.split(',').forEach((entry, index) => {
    if (entry.trim() === '') return;
    const eq = entry.indexOf('=');
    const key = eq > 0 ? entry.slice(0, eq).trim() : '';
    let value: string | undefined;
    try {
      value = decodeURIComponent(entry.slice(eq + 1).trim());
    } catch {
      value = undefined;
    }
    if (
      !isHeaderName(key) ||
      value === undefined ||
      value === '' ||
      /[\r\n\0]/.test(value)
    ) {
      bad.push(index + 1);
      return;
    }
    headers[key.toLowerCase()] = value;
  });
  if (bad.length > 0)
    problems.push({
      path: name,
      message:
        `entr${bad.length === 1 ? 'y' : 'ies'} ${bad.join(', ')} malformed: must be key=value pairs separated by commas, ` +
        'with a header name as key and a non-empty, percent-encoded value (values are not shown)',
    });
  return headers;
}
