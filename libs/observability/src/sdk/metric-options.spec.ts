import { ObservabilityConfigError } from '../core/observability-config.error';
import { resolveSdkOptions } from './sdk-options';

const metricsOf = (
  options: Parameters<typeof resolveSdkOptions>[0],
  env: Record<string, string>,
) => resolveSdkOptions(options, env).metrics;

function problemsOf(
  options: Parameters<typeof resolveSdkOptions>[0],
  env: Record<string, string>,
): string {
  try {
    resolveSdkOptions(options, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ObservabilityConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a configuration error');
}

describe('metrics exporters: option > OTEL_* > default', () => {
  it('pulls from /metrics by default: Prometheus only, cumulative, a minute apart', () => {
    expect(metricsOf({}, {})).toEqual({
      exporters: ['prometheus'],
      exportIntervalMillis: 60_000,
      exportTimeoutMillis: 30_000,
      otlp: {
        endpoint: 'http://localhost:4318/v1/metrics',
        protocol: 'http/protobuf',
        headers: {},
        temporality: 'cumulative',
        timeoutMillis: 30_000,
      },
    });
  });

  it('OTLP request timeout: OTEL_EXPORTER_OTLP_METRICS_TIMEOUT > OTEL_EXPORTER_OTLP_TIMEOUT, capped at the export timeout', () => {
    expect(
      metricsOf({}, { OTEL_EXPORTER_OTLP_TIMEOUT: '4000' }).otlp.timeoutMillis,
    ).toBe(4_000);
    expect(
      metricsOf(
        {},
        {
          OTEL_EXPORTER_OTLP_TIMEOUT: '4000',
          OTEL_EXPORTER_OTLP_METRICS_TIMEOUT: '1500',
        },
      ).otlp.timeoutMillis,
    ).toBe(1_500);
    expect(
      metricsOf(
        { metrics: { exportTimeoutMillis: 2_000 } },
        { OTEL_EXPORTER_OTLP_TIMEOUT: '9000' },
      ).otlp.timeoutMillis,
    ).toBe(2_000);
    expect(
      problemsOf({}, { OTEL_EXPORTER_OTLP_METRICS_TIMEOUT: 'soon' }),
    ).toContain(
      'OTEL_EXPORTER_OTLP_METRICS_TIMEOUT: must be a whole number from 1 to 600000 (got "soon")',
    );
  });

  it('OTLP headers: the metrics variable over the shared one, options over both; malformed ones named, never shown', () => {
    expect(
      metricsOf(
        { metrics: { otlp: { headers: { 'x-c': 'option' } } } },
        {
          OTEL_EXPORTER_OTLP_HEADERS: 'x-a=shared,x-b=shared',
          OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'x-b=metrics%2Cv,x-c=env',
        },
      ).otlp.headers,
    ).toEqual({ 'x-a': 'shared', 'x-b': 'metrics,v', 'x-c': 'option' });
    const message = problemsOf(
      {},
      { OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'token=,x=tok3n-value\r' },
    );
    expect(message).toContain(
      'OTEL_EXPORTER_OTLP_METRICS_HEADERS: entry 1 malformed',
    );
    expect(message).not.toContain('tok3n');
  });

  it.each([
    ['otlp', ['otlp']],
    [' Prometheus , OTLP ', ['prometheus', 'otlp']],
    ['otlp,otlp,console', ['otlp', 'console']],
    ['none', []],
  ])('OTEL_METRICS_EXPORTER=%j', (value, expected) => {
    expect(metricsOf({}, { OTEL_METRICS_EXPORTER: value }).exporters).toEqual(
      expected,
    );
  });

  it('the option wins over the variable', () => {
    expect(
      metricsOf(
        { metrics: { exporters: ['otlp'] } },
        { OTEL_METRICS_EXPORTER: 'none' },
      ).exporters,
    ).toEqual(['otlp']);
  });

  it.each([
    [
      {},
      { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://m:1/x' },
      'http://m:1/x',
    ],
    [
      {},
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:3/' },
      'http://c:3/v1/metrics',
    ],
    [
      { metrics: { otlp: { endpoint: 'https://a/v1/metrics' } } },
      { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://m:1/x' },
      'https://a/v1/metrics',
    ],
  ])('endpoint %#', (options, env, expected) => {
    expect(metricsOf(options, env).otlp.endpoint).toBe(expected);
  });

  it('protocol, temporality, interval and timeout from the variables', () => {
    expect(
      metricsOf(
        {},
        {
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
          OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'Delta',
          OTEL_METRIC_EXPORT_INTERVAL: '5000',
          OTEL_METRIC_EXPORT_TIMEOUT: '2000',
        },
      ),
    ).toMatchObject({
      exportIntervalMillis: 5000,
      exportTimeoutMillis: 2000,
      otlp: { protocol: 'http/json', temporality: 'delta' },
    });
  });

  it('a short interval shortens the default timeout to fit in it', () => {
    expect(
      metricsOf({}, { OTEL_METRIC_EXPORT_INTERVAL: '500' }).exportTimeoutMillis,
    ).toBe(500);
  });

  it('lists every problem at once, never echoing header values', () => {
    const message = problemsOf(
      {
        metrics: {
          otlp: {
            headers: { 'bad name': 'secret-token-1', ok: 'line\nbreak' },
          },
        },
      },
      {
        OTEL_METRICS_EXPORTER: 'prometheus,carrier-pigeon,none',
        OTEL_METRIC_EXPORT_INTERVAL: 'soon',
        OTEL_METRIC_EXPORT_TIMEOUT: '99',
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'ftp://x',
        OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'grpc',
        OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'sometimes',
      },
    );
    for (const expected of [
      'OTEL_METRICS_EXPORTER: unknown exporter "carrier-pigeon"',
      'OTEL_METRICS_EXPORTER: "none" turns metrics off and cannot be combined',
      'OTEL_METRIC_EXPORT_INTERVAL: must be a whole number of milliseconds',
      'OTEL_METRIC_EXPORT_TIMEOUT: must be a whole number of milliseconds',
      'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: must be an http(s) URL',
      'OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: must be http/protobuf or http/json',
      'OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: must be one of cumulative, delta, lowmemory',
      'metrics.otlp.headers.bad name',
      'metrics.otlp.headers.ok',
    ])
      expect(message).toContain(expected);
    expect(message).not.toContain('secret-token-1');
  });

  it('a timeout longer than the interval is refused', () => {
    expect(
      problemsOf(
        { metrics: { exportIntervalMillis: 1000, exportTimeoutMillis: 5000 } },
        {},
      ),
    ).toContain(
      'metrics.exportTimeoutMillis: must not exceed the export interval (1000 ms; got 5000)',
    );
  });
});
