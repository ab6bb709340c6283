import type { LogUserExtractor } from './logging-options.interface';

/** Defaults of the `logging` options; docs/logging.md mirrors this object. */
export const DEFAULT_LOGGING_OPTIONS = {
  enabled: true,
  level: 'info',
  stdout: true,
  requestLog: true,
  correlationHeaders: ['x-correlation-id', 'x-request-id'],
  correlationResponseHeader: 'x-correlation-id',
  trustProxy: false,
  redact: [],
  maxValueLength: 4096,
  callSite: false,
  file: { maxSize: 10 * 1024 * 1024, maxFiles: 10 },
} as const;

/** Default {@link LogUserExtractor}: `request.user.id`, the Passport convention. */
export const defaultUserId: LogUserExtractor = (request) => {
  const user = (request as { user?: { id?: unknown } } | null)?.user;
  const id = user?.id;
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
};
