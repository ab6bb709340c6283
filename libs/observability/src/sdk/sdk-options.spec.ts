import { ObservabilityConfigError } from '../core/observability-config.error';
import { resolveSdkOptions } from './sdk-options';

describe('resolveSdkOptions precedence: option > OTEL_* > default', () => {
  it.each([
    [
      'serviceName',
      { serviceName: 'explicit' },
      { OTEL_SERVICE_NAME: 'from-env' },
      'explicit',
    ],
    ['serviceName', {}, { OTEL_SERVICE_NAME: 'from-env' }, 'from-env'],
    ['serviceName', {}, {}, 'unknown_service:node'],
  ])('%s %#', (_field, options, env, expected) => {
    expect(resolveSdkOptions(options, env).serviceName).toBe(expected);
  });

  it.each([
    [{ disabled: false }, { OTEL_SDK_DISABLED: 'true' }, false],
    [{}, { OTEL_SDK_DISABLED: 'TRUE' }, true],
    [{}, { OTEL_SDK_DISABLED: 'false' }, false],
    [{}, {}, false],
  ])('disabled %#', (options, env, expected) => {
    expect(resolveSdkOptions(options, env).disabled).toBe(expected);
  });

  it.each([
    [
      { traces: { exporter: 'console' as const } },
      { OTEL_TRACES_EXPORTER: 'none' },
      'console',
    ],
    [{}, { OTEL_TRACES_EXPORTER: 'none' }, 'none'],
    [{}, {}, 'otlp'],
  ])('traces.exporter %#', (options, env, expected) => {
    expect(resolveSdkOptions(options, env).traces.exporter).toBe(expected);
  });

  it.each([
    [
      { traces: { endpoint: 'http://a:1/v1/traces' } },
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:2/x' },
      'http://a:1/v1/traces',
    ],
    [
      {},
      {
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:2/x',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:3',
      },
      'http://b:2/x',
    ],
    [
      {},
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:3/' },
      'http://c:3/v1/traces',
    ],
    [{}, {}, 'http://localhost:4318/v1/traces'],
  ])('traces.endpoint %#', (options, env, expected) => {
    expect(resolveSdkOptions(options, env).traces.endpoint).toBe(expected);
  });

  it('reads service.version from OTEL_RESOURCE_ATTRIBUTES, then npm_package_version', () => {
    expect(
      resolveSdkOptions(
        {},
        {
          OTEL_RESOURCE_ATTRIBUTES: 'a=b,service.version=1.2.3',
          npm_package_version: '9',
        },
      ).serviceVersion,
    ).toBe('1.2.3');
    expect(
      resolveSdkOptions({}, { npm_package_version: '9.0.0' }).serviceVersion,
    ).toBe('9.0.0');
    expect(
      resolveSdkOptions({ serviceVersion: '2' }, { npm_package_version: '9' })
        .serviceVersion,
    ).toBe('2');
  });

  it('enables every instrumentation but express by default and honours switches', () => {
    expect(resolveSdkOptions({}, {}).instrumentations).toEqual({
      http: true,
      express: false,
      pg: true,
      ioredis: true,
    });
    expect(
      resolveSdkOptions({ instrumentations: { pg: false, express: true } }, {})
        .instrumentations,
    ).toEqual({
      http: true,
      express: true,
      pg: false,
      ioredis: true,
    });
  });

  it('reports every problem at once, naming the option or variable', () => {
    const attempt = () =>
      resolveSdkOptions(
        {
          serviceName: ' ',
          traces: { endpoint: 'ftp://x' },
          instrumentations: { mongo: true } as never,
        },
        { OTEL_TRACES_EXPORTER: 'jaeger-thrift', OTEL_SDK_DISABLED: 'yes' },
      );
    expect(attempt).toThrow(ObservabilityConfigError);
    expect(attempt).toThrow(
      'Observability SDK validation error (5 problems):\n' +
        '  - OTEL_SDK_DISABLED: must be "true" or "false" (got "yes")\n' +
        '  - serviceName: must be a non-empty string\n' +
        '  - OTEL_TRACES_EXPORTER: must be one of otlp, jaeger, console, none (got "jaeger-thrift")\n' +
        '  - traces.endpoint: must be an http(s) URL (got "ftp://x")\n' +
        '  - instrumentations.mongo: unknown instrumentation (known: http, express, pg, ioredis)',
    );
  });

  it('rejects every invalid OTEL_* exporter variable at once, a shared one listed once, header values never shown', () => {
    const attempt = () =>
      resolveSdkOptions(
        {},
        {
          OTEL_EXPORTER_OTLP_TIMEOUT: '10s',
          OTEL_EXPORTER_OTLP_METRICS_TIMEOUT: '-1',
          OTEL_BSP_SCHEDULE_DELAY: 'soon',
          OTEL_BSP_EXPORT_TIMEOUT: '0',
          OTEL_BSP_MAX_QUEUE_SIZE: '10',
          OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '20',
          OTEL_EXPORTER_OTLP_HEADERS: 'authorization',
          OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x=%ZZsecret',
          OTEL_EXPORTER_OTLP_METRICS_HEADERS: '=secret',
        },
      );
    const malformed =
      'must be key=value pairs separated by commas, with a header name as key and a non-empty, percent-encoded value (values are not shown)';
    expect(attempt).toThrow(ObservabilityConfigError);
    expect(attempt).toThrow(
      'Observability SDK validation error (8 problems):\n' +
        '  - OTEL_EXPORTER_OTLP_TIMEOUT: must be a whole number from 1 to 600000 (got "10s")\n' +
        `  - OTEL_EXPORTER_OTLP_HEADERS: entry 1 malformed: ${malformed}\n` +
        `  - OTEL_EXPORTER_OTLP_TRACES_HEADERS: entry 1 malformed: ${malformed}\n` +
        '  - OTEL_BSP_SCHEDULE_DELAY: must be a whole number from 0 to 600000 (got "soon")\n' +
        '  - OTEL_BSP_EXPORT_TIMEOUT: must be a whole number from 1 to 600000 (got "0")\n' +
        '  - OTEL_BSP_MAX_EXPORT_BATCH_SIZE: must not exceed the queue size (OTEL_BSP_MAX_QUEUE_SIZE, 10; got 20)\n' +
        '  - OTEL_EXPORTER_OTLP_METRICS_TIMEOUT: must be a whole number from 1 to 600000 (got "-1")\n' +
        `  - OTEL_EXPORTER_OTLP_METRICS_HEADERS: entry 1 malformed: ${malformed}`,
    );
    expect(attempt).not.toThrow(/secret/);
  });
});
