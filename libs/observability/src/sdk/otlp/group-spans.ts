import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { EncodedSpan } from './encoded-span';

type Resource = ReadableSpan['resource'];
type Scope = ReadableSpan['instrumentationScope'];

/** Spans by resource and by scope (both by identity, as OpenTelemetry groups them), in first-seen order. */
export function groupByResourceAndScope<S extends ReadableSpan | EncodedSpan>(
  spans: readonly S[],
): Map<Resource, Map<Scope, S[]>> {
  const resources = new Map<Resource, Map<Scope, S[]>>();
  for (const span of spans) {
    let scopes = resources.get(span.resource);
    if (scopes === undefined) {
      scopes = new Map();
      resources.set(span.resource, scopes);
    }
    let scoped = scopes.get(span.instrumentationScope);
    if (scoped === undefined) {
      scoped = [];
      scopes.set(span.instrumentationScope, scoped);
    }
    scoped.push(span);
  }
  return resources;
}
