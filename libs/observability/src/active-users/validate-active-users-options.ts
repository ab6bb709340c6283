import type { ConfigProblem } from '../core/observability-config.error';
import { OptionChecks } from '../core/option-checks';
import type { ResolvedActiveUsersOptions } from './active-users-options.interface';
import {
  DEFAULT_ACTIVE_USERS_OPTIONS as D,
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
  const c = new OptionChecks(problems);
  const o = c.section(input, 'activeUsers', KNOWN) ?? {};
  const integer = (key: keyof typeof LIMITS, min: number): number =>
    c.integer(o[key] ?? D[key], D[key], `activeUsers.${key}`, min, LIMITS[key]);
  const fn = (key: string): unknown => {
    const value = o[key];
    if (value === undefined || typeof value === 'function') return value;
    c.push(`activeUsers.${key}`, `must be a function (got ${c.show(value)})`);
    return undefined;
  };
  const windowMs = integer('windowMs', 1_000);
  const maxTracked = integer('maxTracked', 1);
  const extractUserId = fn('extractUserId') ?? defaultExtractUserId;
  const source = fn('source');
  return {
    windowMs,
    maxTracked,
    extractUserId: extractUserId as ResolvedActiveUsersOptions['extractUserId'],
    source: source as ResolvedActiveUsersOptions['source'],
    sourceTimeoutMs: integer('sourceTimeoutMs', 1),
  };
}
