import type { ConfigProblem } from '../core/observability-config.error';
import { resolveTraceOptions } from './trace-options';

function resolve(
  options: Parameters<typeof resolveTraceOptions>[0],
  env: Record<string, string>,
) {
  const problems: ConfigProblem[] = [];
  const resolved = resolveTraceOptions(options, env, problems);
  return { resolved, problems };
}

describe('resolveTraceOptions', () => {
  it('defaults to OTLP at localhost:4318, ParentBased(ratio 1), sanitized statements', () => {
    expect(resolve({}, {})).toEqual({
      problems: [],
      resolved: {
        exporter: 'otlp',
        endpoint: 'http://localhost:4318/v1/traces',
        protocol: 'http/protobuf',
        jaeger: {
          endpoint: 'http://localhost:14268/api/traces',
          agentHost: undefined,
          agentPort: 6832,
        },
        sampler: { parentBased: true, ratio: 1 },
        incomingContext: 'trust',
        propagators: ['jaeger', 'tracecontext', 'baggage'],
        timeoutMillis: 10_000,
        headers: {},
        batch: {
          scheduledDelayMillis: 1_000,
          exportTimeoutMillis: 10_000,
          maxQueueSize: 2_048,
          maxExportBatchSize: 512,
        },
        rawStatements: false,
        tailSampling: false,
      },
    });
  });

  it.each([
    [
      {},
      { OTEL_TRACES_SAMPLER: 'always_off' },
      { parentBased: false, ratio: 0 },
    ],
    [
      {},
      { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' },
      { parentBased: false, ratio: 0.25 },
    ],
    [
      {},
      {
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.1',
      },
      { parentBased: true, ratio: 0.1 },
    ],
    [
      {},
      { OTEL_TRACES_SAMPLER: 'PARENTBASED_ALWAYS_ON' },
      { parentBased: true, ratio: 1 },
    ],
    [
      { sampleRatio: 0.5 },
      { OTEL_TRACES_SAMPLER: 'always_off' },
      { parentBased: true, ratio: 0.5 },
    ],
  ])(
    'sampler %#: option > OTEL_TRACES_SAMPLER(_ARG) > default',
    (options, env, expected) => {
      expect(resolve(options, env).resolved.sampler).toEqual(expected);
    },
  );

  it('takes the Jaeger agent from the environment unless options say otherwise', () => {
    expect(
      resolve(
        { exporter: 'jaeger' },
        {
          OTEL_EXPORTER_JAEGER_AGENT_HOST: 'agent',
          OTEL_EXPORTER_JAEGER_AGENT_PORT: '6831',
        },
      ).resolved.jaeger,
    ).toEqual({
      endpoint: 'http://localhost:14268/api/traces',
      agentHost: 'agent',
      agentPort: 6831,
    });
    expect(
      resolve(
        { jaeger: { endpoint: 'http://c:14268/api/traces' } },
        { OTEL_EXPORTER_JAEGER_ENDPOINT: 'http://env/api/traces' },
      ).resolved.jaeger.endpoint,
    ).toBe('http://c:14268/api/traces');
  });

  it('reports every problem with the option or variable that carries it', () => {
    expect(
      resolve(
        { sampleRatio: 2, jaeger: { agentPort: 0 } },
        {
          OTEL_TRACES_EXPORTER: 'zipkin',
          OTEL_EXPORTER_JAEGER_ENDPOINT: 'nope',
          PRS_TRACES_RAW_STATEMENTS: 'yes',
        },
      ).problems,
    ).toEqual([
      {
        path: 'OTEL_TRACES_EXPORTER',
        message: 'must be one of otlp, jaeger, console, none (got "zipkin")',
      },
      {
        path: 'OTEL_EXPORTER_JAEGER_ENDPOINT',
        message: 'must be an http(s) URL (got "nope")',
      },
      {
        path: 'traces.jaeger.agentPort',
        message: 'must be an integer from 1 to 65535 (got 0)',
      },
      {
        path: 'traces.sampleRatio',
        message: 'must be a number from 0 to 1 (got 2)',
      },
      {
        path: 'PRS_TRACES_RAW_STATEMENTS',
        message: 'must be "true" or "false" (got "yes")',
      },
    ]);
    expect(
      resolve(
        {},
        { OTEL_TRACES_SAMPLER: 'sometimes', OTEL_TRACES_SAMPLER_ARG: 'x' },
      ).problems,
    ).toEqual([
      {
        path: 'OTEL_TRACES_SAMPLER',
        message:
          'must be one of always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio (got "sometimes")',
      },
    ]);
    expect(
      resolve(
        {},
        { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '1.5' },
      ).problems,
    ).toEqual([
      {
        path: 'OTEL_TRACES_SAMPLER_ARG',
        message: 'must be a number from 0 to 1 (got "1.5")',
      },
    ]);
  });

  it('incomingContext: option > PRS_TRACES_INCOMING_CONTEXT > trust', () => {
    expect(resolve({}, {}).resolved.incomingContext).toBe('trust');
    expect(
      resolve({}, { PRS_TRACES_INCOMING_CONTEXT: 'Distrust' }).resolved
        .incomingContext,
    ).toBe('distrust');
    expect(
      resolve(
        { incomingContext: 'trust' },
        { PRS_TRACES_INCOMING_CONTEXT: 'distrust' },
      ).resolved.incomingContext,
    ).toBe('trust');
    expect(
      resolve({}, { PRS_TRACES_INCOMING_CONTEXT: 'never' }).problems,
    ).toEqual([
      {
        path: 'PRS_TRACES_INCOMING_CONTEXT',
        message: 'must be "trust" or "distrust" (got "never")',
      },
    ]);
  });

  it('OTLP timeout: OTEL_EXPORTER_OTLP_TRACES_TIMEOUT > OTEL_EXPORTER_OTLP_TIMEOUT > 10000', () => {
    expect(
      resolve({}, { OTEL_EXPORTER_OTLP_TIMEOUT: '2500' }).resolved
        .timeoutMillis,
    ).toBe(2_500);
    expect(
      resolve(
        {},
        {
          OTEL_EXPORTER_OTLP_TIMEOUT: '2500',
          OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '700',
        },
      ).resolved.timeoutMillis,
    ).toBe(700);
  });

  it('OTEL_BSP_*: honoured; a batch larger than the queue is rejected, a smaller queue caps the default batch', () => {
    expect(
      resolve(
        {},
        {
          OTEL_BSP_SCHEDULE_DELAY: '200',
          OTEL_BSP_EXPORT_TIMEOUT: '3000',
          OTEL_BSP_MAX_QUEUE_SIZE: '100',
          OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '50',
        },
      ).resolved.batch,
    ).toEqual({
      scheduledDelayMillis: 200,
      exportTimeoutMillis: 3_000,
      maxQueueSize: 100,
      maxExportBatchSize: 50,
    });
    expect(
      resolve({}, { OTEL_BSP_MAX_QUEUE_SIZE: '100' }).resolved.batch
        .maxExportBatchSize,
    ).toBe(100);
    expect(
      resolve(
        {},
        {
          OTEL_BSP_MAX_QUEUE_SIZE: '100',
          OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '200',
        },
      ).problems,
    ).toEqual([
      {
        path: 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
        message:
          'must not exceed the queue size (OTEL_BSP_MAX_QUEUE_SIZE, 100; got 200)',
      },
    ]);
  });

  it.each([
    ['OTEL_EXPORTER_OTLP_TIMEOUT', '10s', 'from 1 to 600000 (got "10s")'],
    ['OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', '0', 'from 1 to 600000 (got "0")'],
    ['OTEL_BSP_SCHEDULE_DELAY', '-5', 'from 0 to 600000 (got "-5")'],
    ['OTEL_BSP_EXPORT_TIMEOUT', '1.5', 'from 1 to 600000 (got "1.5")'],
    ['OTEL_BSP_MAX_QUEUE_SIZE', 'lots', 'from 1 to 1000000 (got "lots")'],
    ['OTEL_BSP_MAX_EXPORT_BATCH_SIZE', '0', 'from 1 to 1000000 (got "0")'],
  ])('%s=%j is rejected', (name, value, message) => {
    expect(resolve({}, { [name]: value }).problems).toEqual([
      { path: name, message: `must be a whole number ${message}` },
    ]);
  });

  it('OTLP headers: percent-decoded k=v pairs, the traces variable over the shared one', () => {
    expect(
      resolve(
        {},
        {
          OTEL_EXPORTER_OTLP_HEADERS:
            'Authorization=Bearer%20abc, x-tenant = a',
          OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-tenant=b',
        },
      ).resolved.headers,
    ).toEqual({ authorization: 'Bearer abc', 'x-tenant': 'b' });
  });

  it('malformed OTLP headers are named by variable and entry, their values never shown', () => {
    const { problems } = resolve(
      {},
      {
        OTEL_EXPORTER_OTLP_HEADERS: 'api-key=s3cr3t-one,no-equals-s3cr3t-two',
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'bad name=s3cr3t-three,k=%E0%A4%A',
      },
    );
    expect(problems).toEqual([
      {
        path: 'OTEL_EXPORTER_OTLP_HEADERS',
        message:
          'entry 2 malformed: must be key=value pairs separated by commas, with a header name as key and a non-empty, percent-encoded value (values are not shown)',
      },
      {
        path: 'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
        message:
          'entries 1, 2 malformed: must be key=value pairs separated by commas, with a header name as key and a non-empty, percent-encoded value (values are not shown)',
      },
    ]);
    expect(JSON.stringify(problems)).not.toContain('s3cr3t');
  });
});
