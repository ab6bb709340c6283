import {
  type Attributes,
  type Context,
  INVALID_SPAN_CONTEXT,
  isSpanContextValid,
  type Link,
  type Span,
  type SpanContext,
  type SpanKind,
  trace,
  TraceFlags,
} from '@opentelemetry/api';
import {
  type InstrumentationScope,
  isTracingSuppressed,
} from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import {
  type Sampler,
  SamplingDecision,
  type SpanLimits,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { LeanSpan } from './lean-span';
import type { SpanPipeline } from './span-pipeline.types';

interface SdkTracerShape {
  _sampler?: Sampler;
  _spanLimits?: Required<SpanLimits>;
  _resource?: Resource;
  instrumentationScope?: InstrumentationScope;
  _spanProcessor?: SpanProcessor;
}

/**
 * The pipeline of an OpenTelemetry SDK tracer, read from its fields (pinned by
 * sdk/otel-internals.spec.ts, listed in docs/upgrading-opentelemetry.md); `undefined`
 * for any other tracer (a no-op, another SDK's), and when the SDK counts its own spans
 * (`OTEL_NODE_EXPERIMENTAL_SDK_METRICS`), which only its tracer does. Then the SDK's
 * spans are started by the tracer itself, as users' spans are.
 */
export function spanPipelineOf(tracer: unknown): SpanPipeline | undefined {
  if (/^(true|1)$/i.test(process.env.OTEL_NODE_EXPERIMENTAL_SDK_METRICS ?? ''))
    return undefined;
  const t = tracer as SdkTracerShape | undefined;
  const sampler = t?._sampler;
  const limits = t?._spanLimits;
  const processor = t?._spanProcessor;
  if (
    typeof sampler?.shouldSample !== 'function' ||
    typeof limits?.attributeCountLimit !== 'number' ||
    typeof processor?.onStart !== 'function' ||
    typeof processor.onEnd !== 'function' ||
    t?._resource === undefined ||
    t.instrumentationScope === undefined
  )
    return undefined;
  return {
    sampler,
    limits,
    resource: t._resource,
    scope: t.instrumentationScope,
    processor,
  };
}

const NO_ATTRIBUTES: Attributes = Object.freeze({});
const NO_LINKS: Link[] = [];
const ID_BUFFER = Buffer.allocUnsafe(16);

/**
 * Starts one of the SDK's own spans as the tracer would (the same sampler, ids, limits
 * and processors) but without building anything for a span the sampler drops: that one
 * is a non-recording span with fresh ids, as the tracer returns. The sampler sees no
 * attributes (the samplers the SDK installs, ParentBased and TraceIdRatio, read none).
 * `links` carry no attributes. `startTime` is `performance.now()` ms.
 */
export function startLeanSpan(
  pipeline: SpanPipeline,
  name: string,
  kind: SpanKind,
  context: Context,
  startTime?: number,
  links: Link[] = NO_LINKS,
): Span {
  if (isTracingSuppressed(context))
    return trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
  const parent = trace.getSpanContext(context);
  const continued = parent !== undefined && isSpanContextValid(parent);
  const traceId = continued ? parent.traceId : randomId(16);
  const sampling = pipeline.sampler.shouldSample(
    context,
    traceId,
    name,
    kind,
    NO_ATTRIBUTES,
    links,
  );
  const ids: SpanContext = {
    traceId,
    spanId: randomId(8),
    traceFlags:
      sampling.decision === SamplingDecision.RECORD_AND_SAMPLED
        ? TraceFlags.SAMPLED
        : TraceFlags.NONE,
    traceState:
      sampling.traceState ?? (continued ? parent.traceState : undefined),
  };
  if (sampling.decision === SamplingDecision.NOT_RECORD)
    return trace.wrapSpanContext(ids);
  const span = new LeanSpan(
    pipeline,
    ids,
    name,
    kind,
    continued ? parent : undefined,
    context,
    startTime,
    links === NO_LINKS ? [] : links,
  );
  if (sampling.attributes !== undefined)
    span.setAttributes(sampling.attributes);
  return span;
}

/** Random lowercase hex of `bytes` bytes, never all zeros (an invalid id), as the SDK's ids. */
export function randomId(bytes: 8 | 16): string {
  let any = 0;
  for (let i = 0; i < bytes; i += 4) {
    const word = (Math.random() * 0x1_0000_0000) >>> 0;
    ID_BUFFER.writeUInt32BE(word, i);
    any |= word;
  }
  if (any === 0) ID_BUFFER[bytes - 1] = 1;
  return ID_BUFFER.toString('hex', 0, bytes);
}
