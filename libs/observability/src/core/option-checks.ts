import type { ConfigProblem } from './observability-config.error';

/**
 * The checks every option validator shares. Each pushes a `path: message` problem and
 * returns a usable value (meaningful only when no problem was pushed). `undefined`
 * takes the fallback; a caller that also defaults `null` passes `value ?? fallback`.
 */
export class OptionChecks {
  constructor(readonly problems: ConfigProblem[]) {}

  push(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  /** Pushes the problem unless `ok`; returns `ok`. */
  check(ok: boolean, path: string, message: string): boolean {
    if (!ok) this.push(path, message);
    return ok;
  }

  /** Shows an offending (non-secret) value, shortened; a function as 'a function', never its source. */
  show(value: unknown): string {
    if (typeof value === 'function') return 'a function';
    const text = JSON.stringify(value);
    if (text === undefined) return String(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  }

  /** Reports keys outside `known` under `path` (`''`: the root). */
  knownKeys(value: object, path: string, known: readonly string[]): void {
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) {
        this.push(
          path === '' ? key : `${path}.${key}`,
          `unknown option (known: ${known.join(', ')})`,
        );
      }
    }
  }

  /** An object section (or `undefined`); anything else is reported and treated as absent. */
  section(
    value: unknown,
    path: string,
    known: readonly string[],
  ): Record<string, unknown> | undefined {
    if (value === undefined) return undefined;
    if (!isRecord(value)) {
      this.push(path, 'must be an object');
      return undefined;
    }
    this.knownKeys(value, path, known);
    return value;
  }

  boolean(value: unknown, fallback: boolean, path: string): boolean {
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') this.push(path, 'must be a boolean');
    return value === true;
  }

  integer<F extends number | undefined>(
    value: unknown,
    fallback: F,
    path: string,
    min: number,
    max: number,
  ): number | F {
    if (value === undefined) return fallback;
    const ok = this.check(
      isIntIn(value, min, max),
      path,
      `must be an integer from ${min} to ${max} (got ${this.show(value)})`,
    );
    return ok ? (value as number) : fallback;
  }

  /** A non-empty string; `secret` values are never echoed in the problem. */
  string(
    value: unknown,
    fallback: string,
    path: string,
    secret = false,
  ): string {
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || value.trim() === '') {
      this.push(
        path,
        `must be a non-empty string${secret ? '' : ` (got ${this.show(value)})`}`,
      );
      return fallback;
    }
    return value;
  }

  optionalString(
    value: unknown,
    path: string,
    secret = false,
  ): string | undefined {
    return value === undefined
      ? undefined
      : this.string(value, '', path, secret) || undefined;
  }

  /** An HTTP route such as `/metrics` or `/health/ready`. */
  routePath(value: unknown, fallback: string, path: string): string {
    if (value === undefined) return fallback;
    const ok = this.check(
      typeof value === 'string' && /^\/[^\s?#]*$/.test(value) && value !== '/',
      path,
      `must start with "/", not be "/" and contain no spaces, "?" or "#" (got ${this.show(value)})`,
    );
    return ok ? (value as string) : fallback;
  }

  /** An object with the named function members (a client); never echoed. */
  client<T>(
    value: unknown,
    path: string,
    what: string,
    members: readonly string[],
  ): T | undefined {
    if (value === undefined) return undefined;
    const ok =
      typeof value === 'object' &&
      value !== null &&
      members.every(
        (m) => typeof (value as Record<string, unknown>)[m] === 'function',
      );
    if (!ok) this.push(path, `must be ${what}`);
    return ok ? (value as T) : undefined;
  }
}

/** Whether `value` is a plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether `value` is an integer in `[min, max]`. */
export function isIntIn(
  value: unknown,
  min: number,
  max: number,
): value is number {
  return (
    Number.isInteger(value) &&
    (value as number) >= min &&
    (value as number) <= max
  );
}
