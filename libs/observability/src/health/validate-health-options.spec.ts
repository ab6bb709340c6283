import type { ConfigProblem } from '../core/observability-config.error';
import { resolveModuleOptions } from '../options/validate-options';
import { resolveHealthOptions } from './validate-health-options';

function problemsOf(input: unknown, metricsPath = '/metrics'): string[] {
  const problems: ConfigProblem[] = [];
  resolveHealthOptions(input, problems, metricsPath);
  return problems.map((p) => `${p.path}: ${p.message}`);
}

const pool = { connect: () => Promise.reject(new Error('unused')) };
const client = {
  status: 'ready',
  set: jest.fn(),
  get: jest.fn(),
  info: jest.fn(),
};

describe('resolveHealthOptions', () => {
  it('applies every default', () => {
    expect(resolveHealthOptions(undefined, [])).toEqual({
      enabled: true,
      paths: {
        full: '/api/health',
        ready: '/health/ready',
        live: '/health/live',
      },
      timeoutMs: 2000,
      deadlineMs: 3000,
      cacheTtlMs: 0,
      refreshIntervalMs: 15000,
      details: 'when-authorized',
      token: undefined,
      drainDelayMs: 0,
      shutdownTimeoutMs: 10000,
      version: 'unknown',
      postgres: undefined,
      redis: undefined,
      disk: { path: '/', logPath: undefined, minFreePercent: 10 },
      smtp: undefined,
      s3: undefined,
      application: undefined,
    });
  });

  it('keeps valid explicit values and the app clients', () => {
    const check = () => ({ user_count: 1 });
    const resolved = resolveHealthOptions(
      {
        timeoutMs: 500,
        deadlineMs: 800,
        cacheTtlMs: 1000,
        details: 'always',
        token: 't0ken',
        drainDelayMs: 5000,
        shutdownTimeoutMs: 20000,
        version: '2.0.0',
        postgres: { pool, responseTimeThresholdMs: 500 },
        redis: { client, keyPrefix: 'app:hc:' },
        disk: false,
        smtp: {
          host: 'smtp.example.com',
          port: 465,
          auth: { user: 'u', pass: 'p' },
        },
        s3: {
          bucket: 'media',
          endpoint: 'http://127.0.0.1:9000',
          forcePathStyle: true,
        },
        application: { check },
      },
      [],
    );
    expect(resolved).toMatchObject({
      timeoutMs: 500,
      deadlineMs: 800,
      details: 'always',
      drainDelayMs: 5000,
      shutdownTimeoutMs: 20000,
      postgres: {
        pool,
        connectionString: undefined,
        responseTimeThresholdMs: 500,
        slowQuerySeconds: 30,
        maxSlowQueries: 5,
      },
      redis: {
        client,
        keyPrefix: 'app:hc:',
        keyTtlSeconds: 30,
        responseTimeThresholdMs: 100,
      },
      disk: undefined,
      smtp: {
        host: 'smtp.example.com',
        port: 465,
        secure: true,
        auth: { user: 'u', pass: 'p' },
      },
      s3: { bucket: 'media', region: 'us-east-1', forcePathStyle: true },
      application: check,
    });
  });

  it('lists every problem with exact text', () => {
    expect(
      problemsOf({
        enabled: 'yes',
        paths: { full: 'health', ready: '/live', live: '/live/', extra: '/x' },
        timeoutMs: 5000,
        deadlineMs: 1000,
        cacheTtlMs: -1,
        refreshIntervalMs: 500,
        details: 'sometimes',
        drainDelayMs: 1.5,
        shutdownTimeoutMs: -5,
        version: '',
        postgres: { pool, connectionString: 'postgres://u:pw@h/db' },
        redis: { client: {} },
        disk: { path: 'relative', minFreePercent: 120 },
        smtp: {},
        s3: { region: 'eu-west-1' },
        application: { check: 'count users' },
        unknownThing: 1,
      }),
    ).toEqual([
      'health.unknownThing: unknown option (known: enabled, paths, timeoutMs, deadlineMs, cacheTtlMs, refreshIntervalMs, details, token, drainDelayMs, shutdownTimeoutMs, version, postgres, redis, disk, smtp, s3, application)',
      'health.enabled: must be a boolean',
      'health.paths.extra: unknown option (known: full, ready, live)',
      'health.paths.full: must start with "/", not be "/" and contain no spaces, "?" or "#" (got "health")',
      'health.paths.live: must differ from health.paths.ready (both "/live")',
      'health.timeoutMs: must not exceed health.deadlineMs (5000 > 1000)',
      'health.cacheTtlMs: must be an integer from 0 to 3600000 (got -1)',
      'health.refreshIntervalMs: must be 0 (off) or at least 1000 (got 500)',
      'health.details: must be one of "never", "when-authorized", "always" (got "sometimes")',
      'health.drainDelayMs: must be an integer from 0 to 120000 (got 1.5)',
      'health.shutdownTimeoutMs: must be an integer from 0 to 120000 (got -5)',
      'health.version: must be a non-empty string (got "")',
      'health.postgres: must have exactly one of { pool } or { connectionString }',
      'health.redis.client: must be an ioredis client (with set(), get() and info())',
      'health.disk.path: must be an absolute path (got "relative")',
      'health.disk.minFreePercent: must be a number from 0 to 100 (got 120)',
      'health.smtp: must have exactly one of { transporter } or { host }',
      'health.s3.bucket: is required',
      'health.application.check: must be a function (got "count users")',
    ]);
  });

  it('never echoes credentials', () => {
    const problems = problemsOf({
      token: '',
      postgres: { connectionString: 42 },
      smtp: { host: 'h', auth: { user: 'u', pass: '' } },
      s3: {
        bucket: 'b',
        credentials: { accessKeyId: 'AKIA', secretAccessKey: 7 },
      },
    });
    expect(problems).toEqual([
      'health.token: must be a non-empty string',
      'health.postgres.connectionString: must be a non-empty string',
      'health.smtp.auth.pass: must be a non-empty string',
      'health.s3.credentials.secretAccessKey: must be a non-empty string',
    ]);
  });

  it('reserves the metrics path', () => {
    expect(problemsOf({ paths: { live: '/metrics/' } })).toEqual([
      'health.paths.live: must differ from metrics.path (both "/metrics")',
    ]);
  });

  it('is part of the module options', () => {
    expect(() => resolveModuleOptions({ health: 'on' as never })).toThrow(
      '  - health: must be an object',
    );
    expect(
      resolveModuleOptions({ health: { version: '3' } }).health.version,
    ).toBe('3');
  });
});
