import type { ConfigProblem } from '../core/observability-config.error';
import { isIntIn, OptionChecks } from '../core/option-checks';
import { isTrustEntry } from './client-ip';
import {
  DEFAULT_LOGGING_OPTIONS as D,
  defaultUserId,
} from './logging-defaults';
import type { ResolvedLoggingOptions } from './logging-options.interface';
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
  'callSite',
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
  const c = new OptionChecks(problems);
  const o = c.section(input, 'logging', KNOWN) ?? {};
  const bool = (
    key: 'enabled' | 'stdout' | 'requestLog' | 'callSite',
  ): boolean => c.boolean(o[key] ?? D[key], D[key], `logging.${key}`);
  const enabled = bool('enabled');
  const stdout = bool('stdout');
  const requestLog = bool('requestLog');
  const callSite = bool('callSite');

  const level = o.level ?? D.level;
  c.check(
    typeof level === 'string' && LEVELS.includes(level),
    'logging.level',
    `must be one of ${LEVELS.join(', ')} (got ${c.show(level)})`,
  );

  const headers = o.correlationHeaders ?? [...D.correlationHeaders];
  const headersOk = c.check(
    Array.isArray(headers) &&
      headers.length >= 1 &&
      headers.length <= 10 &&
      headers.every((h) => typeof h === 'string' && HEADER_NAME.test(h)),
    'logging.correlationHeaders',
    `must be a non-empty array of at most 10 header names (got ${c.show(headers)})`,
  );

  const responseHeader =
    o.correlationResponseHeader ?? D.correlationResponseHeader;
  c.check(
    typeof responseHeader === 'string' && HEADER_NAME.test(responseHeader),
    'logging.correlationResponseHeader',
    `must be a header name (got ${c.show(responseHeader)})`,
  );

  const trustProxy = o.trustProxy ?? D.trustProxy;
  c.check(
    typeof trustProxy === 'boolean' ||
      isIntIn(trustProxy, 0, 32) ||
      (Array.isArray(trustProxy) && trustProxy.every(isTrustEntry)),
    'logging.trustProxy',
    'must be a boolean, a hop count from 0 to 32, or an array of IP addresses, ' +
      `CIDR ranges and "loopback", "private", "linklocal" (got ${c.show(trustProxy)})`,
  );

  const redact = o.redact ?? [...D.redact];
  c.check(
    Array.isArray(redact) &&
      redact.every((k) => typeof k === 'string' && k.length > 0),
    'logging.redact',
    `must be an array of non-empty strings (got ${c.show(redact)})`,
  );

  const maxValueLength = c.integer(
    o.maxValueLength ?? D.maxValueLength,
    D.maxValueLength,
    'logging.maxValueLength',
    64,
    1_048_576,
  );

  const userId = o.userId ?? defaultUserId;
  c.check(typeof userId === 'function', 'logging.userId', 'must be a function');

  const files = resolveFiles(o.files, c);
  if (o.stdout === false && files.main === undefined)
    c.push(
      'logging.stdout',
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
    maxValueLength,
    callSite,
    files,
    userId: userId as ResolvedLoggingOptions['userId'],
  };
}
