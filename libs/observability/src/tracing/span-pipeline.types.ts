import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type {
  Sampler,
  SpanLimits,
  SpanProcessor,
} from '@opentelemetry/sdk-trace';

/** What the SDK's tracer gives its spans: sampler, limits, resource, scope, processors. */
export interface SpanPipeline {
  readonly sampler: Sampler;
  readonly limits: Required<SpanLimits>;
  readonly resource: Resource;
  readonly scope: InstrumentationScope;
  /** The provider's processors (all of them, in order), as its own spans reach them. */
  readonly processor: SpanProcessor;
}
