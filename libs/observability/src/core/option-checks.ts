import type { ConfigProblem } from './observability-config.error';

/** Small validators shared by the health option checks; each pushes `path: message` problems. */
export class OptionChecks {
  constructor(readonly problems: ConfigProblem[]) {}

  push(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  /** Reports keys outside `known` under `path`. */
  knownKeys(value: object, path: string, known: readonly string[]): void {
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) {
        this.push(
          `${path}.${key}`,
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

  integer(
    value: unknown,
    fallback: number,
    path: string,
    min: number,
    max: number,
  ): number {
    if (value === undefined) return fallback;
    if (!(
      Number.isInteger(value) &&
      (value as number) >= min &&
      (value as number) <= max
    )) {
      this.push(
        path,
        `must be an integer from ${min} to ${max} (got ${show(value)})`,
      );
      return fallback;
    }
    return value as number;
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
        `must be a non-empty string${secret ? '' : ` (got ${show(value)})`}`,
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

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Shows an offending (non-secret) value, shortened. */
export function show(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
