import type { ConfigProblem } from '../core/observability-config.error';
import { DEFAULT_PROPAGATORS, resolvePropagators } from './propagator-options';

function resolve(value: string | undefined): {
  names: readonly string[];
  problems: ConfigProblem[];
} {
  const problems: ConfigProblem[] = [];
  const names = resolvePropagators({ OTEL_PROPAGATORS: value }, problems);
  return { names, problems };
}

describe('OTEL_PROPAGATORS', () => {
  it('defaults to Jaeger (extract only), W3C trace context and baggage, W3C last so it wins', () => {
    expect(resolve(undefined)).toEqual({
      names: ['jaeger', 'tracecontext', 'baggage'],
      problems: [],
    });
    expect(resolve('  ').names).toBe(DEFAULT_PROPAGATORS);
  });

  it('keeps only the named ones, in the extraction order, whatever the case and spacing', () => {
    expect(resolve('tracecontext').names).toEqual(['tracecontext']);
    expect(resolve(' Baggage , JAEGER ').names).toEqual(['jaeger', 'baggage']);
    expect(resolve('tracecontext,jaeger,').names).toEqual([
      'jaeger',
      'tracecontext',
    ]);
  });

  it('none turns propagation off', () => {
    expect(resolve('none')).toEqual({ names: [], problems: [] });
  });

  it('names the propagators the SDK does not ship', () => {
    expect(resolve('tracecontext,b3,xray').problems).toEqual([
      {
        path: 'OTEL_PROPAGATORS',
        message:
          'must list tracecontext, baggage, jaeger or none (got "tracecontext,b3,xray"; not supported: b3, xray)',
      },
    ]);
  });
});
