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
        rawStatements: false,
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
});
