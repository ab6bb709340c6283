import type { SpanContext } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';

/**
 * A span encoded as its OTLP `ScopeSpans.spans` field when it ended, queued by the
 * batch processor in place of the span itself. The SDK's span (its attribute, event and
 * link objects, its closures) then dies young instead of waiting seconds in the queue
 * and being promoted to the old generation; what waits is a view of a shared byte slab.
 * It keeps what the batch processor and the encoder still read: the span's context
 * (for its sampled flag), its resource (exported once per request, after the resource's
 * asynchronous attributes settled) and its instrumentation scope.
 */
export class EncodedSpan {
  constructor(
    readonly resource: ReadableSpan['resource'],
    readonly instrumentationScope: ReadableSpan['instrumentationScope'],
    readonly bytes: Uint8Array,
    private readonly context: SpanContext,
  ) {}

  spanContext(): SpanContext {
    return this.context;
  }
}
