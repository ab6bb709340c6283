import {
  type Context,
  isSpanContextValid,
  propagation,
  type SpanContext,
  trace,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
  TraceFlags,
} from '@opentelemetry/api';

const TRACE_HEADER = 'uber-trace-id';
const BAGGAGE_PREFIX = 'uberctx-';
const HEX = /^[0-9a-f]+$/i;

/**
 * Reads Jaeger's `uber-trace-id` (`{trace-id}:{span-id}:{parent-span-id}:{flags}`, hex,
 * possibly URL-encoded) and `uberctx-*` baggage from services still on Jaeger clients.
 * Extract only: nothing is ever injected. `@opentelemetry/propagator-jaeger` did this up
 * to OpenTelemetry JS 2.x; it has no 3.x release (it pins core 2.x and api <1.10), so a
 * few lines of our own replace it. A malformed header is ignored (a new trace starts).
 */
export class JaegerExtractPropagator implements TextMapPropagator {
  inject(_context: Context, _carrier: unknown, _setter: TextMapSetter): void {}

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    let extracted = context;
    const spanContext = parseTraceHeader(
      first(getter.get(carrier, TRACE_HEADER)),
    );
    if (spanContext !== undefined)
      extracted = trace.setSpanContext(extracted, spanContext);

    let baggage = propagation.getBaggage(context);
    for (const key of getter.keys(carrier)) {
      if (!key.startsWith(BAGGAGE_PREFIX)) continue;
      const value = decode(first(getter.get(carrier, key)));
      if (value === undefined) continue;
      baggage = (baggage ?? propagation.createBaggage()).setEntry(
        key.slice(BAGGAGE_PREFIX.length),
        { value },
      );
    }
    return baggage === undefined
      ? extracted
      : propagation.setBaggage(extracted, baggage);
  }

  fields(): string[] {
    return [];
  }
}

function parseTraceHeader(header: string | undefined): SpanContext | undefined {
  const parts = decode(header)?.split(':');
  if (parts?.length !== 4) return undefined;
  const [traceId = '', spanId = '', , flags = ''] = parts;
  if (
    traceId.length > 32 ||
    spanId.length > 16 ||
    flags.length > 2 ||
    ![traceId, spanId, flags].every((part) => HEX.test(part))
  )
    return undefined;
  const spanContext: SpanContext = {
    traceId: traceId.padStart(32, '0').toLowerCase(),
    spanId: spanId.padStart(16, '0').toLowerCase(),
    traceFlags: parseInt(flags, 16) & TraceFlags.SAMPLED,
    isRemote: true,
  };
  return isSpanContextValid(spanContext) ? spanContext : undefined;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function decode(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
