import type { ConfigProblem } from '../core/observability-config.error';
import { resolveLoggingOptions } from './validate-logging-options';

function resolve(input: unknown) {
  const problems: ConfigProblem[] = [];
  const resolved = resolveLoggingOptions(input, problems);
  return { resolved, problems: problems.map((p) => `${p.path}: ${p.message}`) };
}

describe('resolveLoggingOptions', () => {
  it('applies every default', () => {
    const { resolved, problems } = resolve(undefined);
    expect(problems).toEqual([]);
    expect(resolved).toEqual({
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
      files: { main: undefined, security: undefined, error: undefined },
      userId: expect.any(Function),
    });
    expect(resolved.userId({ user: { id: 7 } })).toBe(7);
    expect(resolved.userId({})).toBeUndefined();
  });

  it('keeps valid explicit values, lower-cases header names and expands file shorthands', () => {
    const { resolved, problems } = resolve({
      level: 'debug',
      stdout: false,
      correlationHeaders: ['X-Trace-Ref'],
      correlationResponseHeader: 'X-Request-ID',
      trustProxy: ['loopback', '10.0.0.0/8', '2001:db8::1'],
      redact: ['email'],
      files: {
        main: '/var/log/prs/app.log',
        security: {
          path: '/var/log/prs/security.log',
          maxSize: 2048,
          maxFiles: 3,
        },
      },
    });
    expect(problems).toEqual([]);
    expect(resolved).toMatchObject({
      level: 'debug',
      stdout: false,
      correlationHeaders: ['x-trace-ref'],
      correlationResponseHeader: 'x-request-id',
      trustProxy: ['loopback', '10.0.0.0/8', '2001:db8::1'],
      redact: ['email'],
      files: {
        main: { path: '/var/log/prs/app.log', maxSize: 10485760, maxFiles: 10 },
        security: {
          path: '/var/log/prs/security.log',
          maxSize: 2048,
          maxFiles: 3,
        },
        error: undefined,
      },
    });
  });

  it('lists every problem with exact text', () => {
    const { problems } = resolve({
      enabled: 'yes',
      level: 'verbose',
      stdout: false,
      correlationHeaders: ['bad header'],
      correlationResponseHeader: '',
      trustProxy: ['10.0.0.0/33'],
      redact: [''],
      maxValueLength: 10,
      callSite: 'yes',
      userId: 'id',
      pretty: true,
      files: {
        main: { path: '/tmp/a.log', maxSize: 10, maxFiles: 0, rotate: true },
        security: '/tmp/../tmp/a.log',
        error: 42,
        audit: '/tmp/audit.log',
      },
    });
    expect(problems).toEqual([
      'logging.pretty: unknown option (known: enabled, level, stdout, requestLog, correlationHeaders, correlationResponseHeader, trustProxy, redact, maxValueLength, callSite, files, userId)',
      'logging.enabled: must be a boolean',
      'logging.callSite: must be a boolean',
      'logging.level: must be one of trace, debug, info, warn, error, fatal, silent (got "verbose")',
      'logging.correlationHeaders: must be a non-empty array of at most 10 header names (got ["bad header"])',
      'logging.correlationResponseHeader: must be a header name (got "")',
      'logging.trustProxy: must be a boolean, a hop count from 0 to 32, or an array of IP addresses, CIDR ranges and "loopback", "private", "linklocal" (got ["10.0.0.0/33"])',
      'logging.redact: must be an array of non-empty strings (got [""])',
      'logging.maxValueLength: must be an integer from 64 to 1048576 (got 10)',
      'logging.userId: must be a function',
      'logging.files.audit: unknown option (known: main, security, error)',
      'logging.files.main.rotate: unknown option (known: path, maxSize, maxFiles)',
      'logging.files.main.maxSize: must be an integer number of bytes from 1024 to 1099511627776 (got 10)',
      'logging.files.main.maxFiles: must be an integer from 1 to 1000 (got 0)',
      'logging.files.error: must be a file path or { path, maxSize?, maxFiles? }',
      'logging.stdout: the main stream needs a destination: keep stdout or set files.main',
    ]);
  });

  it('rejects two channels sharing one file', () => {
    expect(
      resolve({ files: { main: '/tmp/x.log', error: '/tmp/./x.log' } })
        .problems,
    ).toEqual([
      'logging.files.error.path: must differ from logging.files.main.path',
    ]);
  });

  it('rejects a logging section that is not an object', () => {
    expect(resolve('info').problems).toEqual(['logging: must be an object']);
  });
});
