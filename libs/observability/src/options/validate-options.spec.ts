import { ObservabilityConfigError } from '../core/observability-config.error';
import { DEFAULT_OPTIONS } from './default-options';
import { resolveModuleOptions } from './validate-options';

describe('resolveModuleOptions', () => {
  it('applies every default', () => {
    const resolved = resolveModuleOptions(undefined);
    expect(resolved.metrics).toEqual({
      enabled: true,
      prefix: 'prs',
      path: '/metrics',
      port: undefined,
      host: '127.0.0.1',
      auth: undefined,
      seriesLimit: 1000,
      status: false,
    });
    expect(resolved.http.durationBuckets).toEqual([
      0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 2.5, 5, 10,
    ]);
    expect(resolved.http.excludePaths).toEqual([
      ...DEFAULT_OPTIONS.http.excludePaths,
    ]);
  });

  it('takes metrics.status from the option, else PRS_OBSERVABILITY_STATUS, else false', () => {
    const status = (option: boolean | undefined, env: string | undefined) => {
      const saved = process.env.PRS_OBSERVABILITY_STATUS;
      if (env === undefined) delete process.env.PRS_OBSERVABILITY_STATUS;
      else process.env.PRS_OBSERVABILITY_STATUS = env;
      try {
        return resolveModuleOptions({ metrics: { status: option } }).metrics
          .status;
      } finally {
        if (saved === undefined) delete process.env.PRS_OBSERVABILITY_STATUS;
        else process.env.PRS_OBSERVABILITY_STATUS = saved;
      }
    };
    expect(status(undefined, undefined)).toBe(false);
    expect(status(undefined, 'true')).toBe(true);
    expect(status(false, 'true')).toBe(false);
    expect(status(true, 'false')).toBe(true);
    expect(() => status(undefined, '1')).toThrow(
      'PRS_OBSERVABILITY_STATUS: must be true or false (got "1")',
    );
  });

  it('keeps valid explicit values', () => {
    const resolved = resolveModuleOptions({
      metrics: {
        prefix: 'acme',
        path: '/internal/metrics',
        port: 9464,
        host: '0.0.0.0',
        seriesLimit: 50,
        auth: { bearerToken: 't' },
      },
      http: { durationBuckets: [0.1, 1], excludePaths: ['/ping', '/static/*'] },
    });
    expect(resolved.metrics).toMatchObject({
      prefix: 'acme',
      path: '/internal/metrics',
      port: 9464,
      seriesLimit: 50,
    });
    expect(resolved.http).toEqual({
      durationBuckets: [0.1, 1],
      excludePaths: ['/ping', '/static/*'],
    });
  });

  it('lists every problem in one error with exact text', () => {
    const attempt = () =>
      resolveModuleOptions({
        metrics: {
          enabled: 'yes' as never,
          prefix: 'prs-app',
          path: 'metrics',
          port: 1.5,
          host: '',
          seriesLimit: 5000,
          auth: { bearerToken: 'x', username: 'u' } as never,
        },
        http: { durationBuckets: [], excludePaths: ['health'] },
        tracer: {},
      } as never);
    expect(attempt).toThrow(ObservabilityConfigError);
    expect(attempt).toThrow(
      'ObservabilityModule options validation error (10 problems):\n' +
        '  - tracer: unknown option (known: metrics, http, health, businessEvents, activeUsers, logging, tracing, slo)\n' +
        '  - metrics.enabled: must be a boolean\n' +
        '  - metrics.prefix: must match /^[a-zA-Z_][a-zA-Z0-9_]*$/ (got "prs-app")\n' +
        '  - metrics.path: must start with "/", not be "/" and contain no spaces, "?" or "#" (got "metrics")\n' +
        '  - metrics.port: must be an integer from 0 to 65535 (got 1.5)\n' +
        '  - metrics.host: must be a non-empty string (got "")\n' +
        '  - metrics.auth: must be exactly one of { bearerToken } or { username, password }\n' +
        '  - metrics.seriesLimit: must be an integer from 1 to 1999 (got 5000)\n' +
        '  - http.durationBuckets: must be a non-empty array of finite, positive, strictly increasing numbers of seconds (got [])\n' +
        '  - http.excludePaths: must be an array of paths starting with "/" (got ["health"])',
    );
  });

  it('never echoes credentials in problems', () => {
    const attempt = () =>
      resolveModuleOptions({
        metrics: { auth: { username: 'a:b', password: '' } },
      });
    expect(attempt).toThrow(
      'ObservabilityModule options validation error (2 problems):\n' +
        '  - metrics.auth.username: must be a non-empty string without ":"\n' +
        '  - metrics.auth.password: must be a non-empty string',
    );
  });

  it('validates the trace UI link', () => {
    expect(
      resolveModuleOptions({ tracing: { uiUrl: 'http://jaeger:16686/' } })
        .tracing,
    ).toEqual({
      uiUrl: 'http://jaeger:16686',
    });
    expect(() =>
      resolveModuleOptions({
        tracing: { uiUrl: 'jaeger:16686', colour: 1 } as never,
      }),
    ).toThrow(
      'ObservabilityModule options validation error (2 problems):\n' +
        '  - tracing.colour: unknown option (known: uiUrl)\n' +
        '  - tracing.uiUrl: must be an http(s) URL (got "jaeger:16686")',
    );
  });
});
