import type { ConfigProblem } from '../core/observability-config.error';
import type { ResolvedActiveUsersOptions } from './active-users-options.interface';
import {
  DEFAULT_ACTIVE_USERS_OPTIONS,
  defaultExtractUserId,
} from './active-users.constants';

const KNOWN = [
  'windowMs',
  'maxTracked',
  'extractUserId',
  'source',
  'sourceTimeoutMs',
];

/** Upper bounds: a day-long window, a million exactly tracked ids, a minute-long source call. */
const LIMITS = {
  windowMs: 86_400_000,
  maxTracked: 1_000_000,
  sourceTimeoutMs: 60_000,
};

/**
 * Validates the `activeUsers` section, pushing `activeUsers.*` problems onto
 * `problems`, and returns it with defaults applied.
 */
export function resolveActiveUsersOptions(
  input: unknown,
  problems: ConfigProblem[],
): ResolvedActiveUsersOptions {
  const d = DEFAULT_ACTIVE_USERS_OPTIONS;
  const options: Record<string, unknown> = isRecord(input) ? input : {};
  if (input !== undefined && !isRecord(input)) {
    problems.push({ path: 'activeUsers', message: 'must be an object' });
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.includes(key)) {
      problems.push({
        path: `activeUsers.${key}`,
        message: `unknown option (known: ${KNOWN.join(', ')})`,
      });
    }
  }
  const windowMs = integer(
    options,
    'windowMs',
    1_000,
    LIMITS.windowMs,
    d.windowMs,
    problems,
  );
  const maxTracked = integer(
    options,
    'maxTracked',
    1,
    LIMITS.maxTracked,
    d.maxTracked,
    problems,
  );
  const extractUserId =
    fn(options, 'extractUserId', problems) ?? defaultExtractUserId;
  const source = fn(options, 'source', problems);
  const sourceTimeoutMs = integer(
    options,
    'sourceTimeoutMs',
    1,
    LIMITS.sourceTimeoutMs,
    d.sourceTimeoutMs,
    problems,
  );
  return {
    windowMs,
    maxTracked,
    extractUserId: extractUserId as ResolvedActiveUsersOptions['extractUserId'],
    source: source as ResolvedActiveUsersOptions['source'],
    sourceTimeoutMs,
  };
}

function integer(
  options: Record<string, unknown>,
  key: string,
  min: number,
  max: number,
  fallback: number,
  problems: ConfigProblem[],
): number {
  const value = options[key] ?? fallback;
  if (
    Number.isInteger(value) &&
    (value as number) >= min &&
    (value as number) <= max
  ) {
    return value as number;
  }
  problems.push({
    path: `activeUsers.${key}`,
    message: `must be an integer from ${min} to ${max} (got ${show(value)})`,
  });
  return fallback;
}

function fn(
  options: Record<string, unknown>,
  key: string,
  problems: ConfigProblem[],
): unknown {
  const value = options[key];
  if (value === undefined || typeof value === 'function') return value;
  problems.push({
    path: `activeUsers.${key}`,
    message: `must be a function (got ${show(value)})`,
  });
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
