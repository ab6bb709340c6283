import {
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  propagation,
  ROOT_CONTEXT,
  trace,
} from '@opentelemetry/api';
import { JaegerExtractPropagator } from './jaeger-extract.propagator';

const propagator = new JaegerExtractPropagator();

function extract(headers: Record<string, string>) {
  return propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
}

describe('JaegerExtractPropagator', () => {
  it('reads uber-trace-id, left-padding short ids', () => {
    const extracted = extract({ 'uber-trace-id': 'abc:de:0:1' });
    expect(trace.getSpanContext(extracted)).toEqual({
      traceId: '00000000000000000000000000000abc',
      spanId: '00000000000000de',
      traceFlags: 1,
      isRemote: true,
    });
  });

  it('accepts a URL-encoded header and keeps only the sampled flag', () => {
    const extracted = extract({
      'uber-trace-id':
        '4bf92f3577b34da6a3ce929d0e0e4736%3A00f067aa0ba902b7%3A0%3A3',
    });
    expect(trace.getSpanContext(extracted)).toMatchObject({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: 1,
    });
    expect(
      trace.getSpanContext(
        extract({ 'uber-trace-id': '4bf92f3577b34da6:00f067aa0ba902b7:0:0' }),
      )?.traceFlags,
    ).toBe(0);
  });

  it.each([
    ['too few parts', 'abc:de:1'],
    ['not hex', 'xyz:de:0:1'],
    ['all-zero trace id', '0:de:0:1'],
    ['trace id too long', `${'a'.repeat(33)}:de:0:1`],
    ['bad percent-encoding', 'abc%zz:de:0:1'],
  ])('ignores a malformed header (%s)', (_case, header) => {
    expect(
      trace.getSpanContext(extract({ 'uber-trace-id': header })),
    ).toBeUndefined();
  });

  it('reads uberctx-* baggage, URL-decoded', () => {
    const extracted = extract({
      'uberctx-tenant': 'acme%20corp',
      'uberctx-bad': '%zz',
      other: 'x',
    });
    const baggage = propagation.getBaggage(extracted);
    expect(baggage?.getAllEntries()).toEqual([
      ['tenant', { value: 'acme corp' }],
    ]);
  });

  it('never injects', () => {
    const carrier: Record<string, string> = {};
    const withSpan = trace.setSpanContext(context.active(), {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: 1,
    });
    propagator.inject(withSpan, carrier, defaultTextMapSetter);
    expect(carrier).toEqual({});
    expect(propagator.fields()).toEqual([]);
  });
});
