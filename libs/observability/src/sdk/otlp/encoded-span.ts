import { type SpanContext, TraceFlags } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';

/** What an encoded span answers for its context: the processor queues sampled spans only. */
const SAMPLED: SpanContext = Object.freeze({
  traceId: '00000000000000000000000000000000',
  spanId: '0000000000000000',
  traceFlags: TraceFlags.SAMPLED,
});

/**
 * A span encoded as its OTLP `ScopeSpans.spans` field when it ended, queued by the
 * batch processor in place of the span itself. The SDK's span (its attribute, event and
 * link objects, its closures) then dies young instead of waiting seconds in the queue
 * and being promoted to the old generation; what waits is one small object per span and
 * a range of a shared byte slab (no view object, no span context: a queue of them survives
 * every scavenge until its export returns, so each byte here is copied and promoted). It
 * keeps what the batch processor and the encoder still read: its resource (exported once
 * per request, after the resource's asynchronous attributes settled), its instrumentation
 * scope, and a sampled flag for the batch processor's check.
 */
export class EncodedSpan {
  constructor(
    readonly resource: ReadableSpan['resource'],
    readonly instrumentationScope: ReadableSpan['instrumentationScope'],
    /** The slab the span was written into, and where: `[start, end)`. */
    readonly slab: Buffer,
    readonly start: number,
    readonly end: number,
  ) {}

  /** The encoded bytes (a view of the slab). */
  get bytes(): Uint8Array {
    return this.slab.subarray(this.start, this.end);
  }

  /** Sampled, and nothing else: the span's own ids are in its bytes. */
  spanContext(): SpanContext {
    return SAMPLED;
  }
}
