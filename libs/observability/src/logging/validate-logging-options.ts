import type { ConfigProblem } from '../core/observability-config.error';
import { isTrustEntry } from './client-ip';
import {
  DEFAULT_LOGGING_OPTIONS as D,
  defaultUserId,
} from './logging-defaults';
import type { ResolvedLoggingOptions } from './logging-options.interface';
import { isIntIn, isRecord, show } from './option-checks';
import { resolveFiles } from './validate-log-files';

const KNOWN = [
  'enabled',
  'level',
  'stdout',
  'requestLog',
  'correlationHeaders',
  'correlationResponseHeader',
  'trustProxy',
  'redact',
  'maxValueLength',
  'files',
  'userId',
];
const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/;

/**
 * Validates the `logging` section and applies defaults, adding every problem to
 * `problems` as `logging.<path>: message`.
 */
export function resolveLoggingOptions(
  input: unknown,
  problems: ConfigProblem[],
): ResolvedLoggingOptions {
  const add = (path: string, message: string) =>
    problems.push({ path: `logging${path}`, message });
  if (input !== undefined && !isRecord(input)) add('', 'must be an object');
  const o: Record<string, unknown> = isRecord(input) ? input : {};
  for (const key of Object.keys(o))
    if (!KNOWN.includes(key))
      add(`.${key}`, `unknown option (known: ${KNOWN.join(', ')})`);

  const bool = (key: string, fallback: boolean): boolean => {
    const value = o[key] ?? fallback;
    if (typeof value === 'boolean') return value;
    add(`.${key}`, 'must be a boolean');
    return fallback;
  };
  const enabled = bool('enabled', D.enabled);
  const stdout = bool('stdout', D.stdout);
  const requestLog = bool('requestLog', D.requestLog);

  const level = o.level ?? D.level;
  if (typeof level !== 'string' || !LEVELS.includes(level))
    add('.level', `must be one of ${LEVELS.join(', ')} (got ${show(level)})`);

  const headers = o.correlationHeaders ?? [...D.correlationHeaders];
  const headersOk =
    Array.isArray(headers) &&
    headers.length >= 1 &&
    headers.length <= 10 &&
    headers.every((h) => typeof h === 'string' && HEADER_NAME.test(h));
  if (!headersOk)
    add(
      '.correlationHeaders',
      `must be a non-empty array of at most 10 header names (got ${show(headers)})`,
    );

  const responseHeader =
    o.correlationResponseHeader ?? D.correlationResponseHeader;
  if (typeof responseHeader !== 'string' || !HEADER_NAME.test(responseHeader))
    add(
      '.correlationResponseHeader',
      `must be a header name (got ${show(responseHeader)})`,
    );

  const trustProxy = o.trustProxy ?? D.trustProxy;
  const trustOk =
    typeof trustProxy === 'boolean' ||
    (Number.isInteger(trustProxy) &&
      (trustProxy as number) >= 0 &&
      (trustProxy as number) <= 32) ||
    (Array.isArray(trustProxy) && trustProxy.every(isTrustEntry));
  if (!trustOk)
    add(
      '.trustProxy',
      'must be a boolean, a hop count from 0 to 32, or an array of IP addresses, ' +
        `CIDR ranges and "loopback", "private", "linklocal" (got ${show(trustProxy)})`,
    );

  const redact = o.redact ?? [...D.redact];
  if (
    !Array.isArray(redact) ||
    !redact.every((k) => typeof k === 'string' && k.length > 0)
  )
    add(
      '.redact',
      `must be an array of non-empty strings (got ${show(redact)})`,
    );

  const maxValueLength = o.maxValueLength ?? D.maxValueLength;
  if (!isIntIn(maxValueLength, 64, 1_048_576))
    add(
      '.maxValueLength',
      `must be an integer from 64 to 1048576 (got ${show(maxValueLength)})`,
    );

  const userId = o.userId ?? defaultUserId;
  if (typeof userId !== 'function') add('.userId', 'must be a function');

  const files = resolveFiles(o.files, add);
  if (o.stdout === false && files.main === undefined)
    add(
      '.stdout',
      'the main stream needs a destination: keep stdout or set files.main',
    );

  return {
    enabled,
    level: level as ResolvedLoggingOptions['level'],
    stdout,
    requestLog,
    correlationHeaders: headersOk
      ? (headers as string[]).map((h) => h.toLowerCase())
      : [],
    correlationResponseHeader:
      typeof responseHeader === 'string' ? responseHeader.toLowerCase() : '',
    trustProxy: trustProxy as ResolvedLoggingOptions['trustProxy'],
    redact: Array.isArray(redact) ? [...(redact as string[])] : [],
    maxValueLength: maxValueLength as number,
    files,
    userId: userId as ResolvedLoggingOptions['userId'],
  };
}
