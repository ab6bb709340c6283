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
