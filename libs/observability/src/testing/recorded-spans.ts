import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { type Expected, matches, show } from './matching';

/** A finished span as a plain object, for `toEqual`/`toMatchObject`. */
export interface RecordedSpan {
  readonly name: string;
  readonly kind: 'internal' | 'server' | 'client' | 'producer' | 'consumer';
  readonly status: 'unset' | 'ok' | 'error';
  readonly attributes: Record<string, unknown>;
  /** Span events (an exception, a business event), by name with their attributes. */
  readonly events: { name: string; attributes: Record<string, unknown> }[];
  readonly traceId: string;
  readonly spanId: string;
  /** Absent on a trace's root. */
  readonly parentSpanId?: string;
}

/** One span of a trace with its children, oldest first. */
export interface SpanTreeNode {
  readonly name: string;
  readonly kind: RecordedSpan['kind'];
  readonly status: RecordedSpan['status'];
  readonly attributes: Record<string, unknown>;
  readonly children: SpanTreeNode[];
}

/** Which spans to pick: every given field must match (attributes partially). */
export interface SpanMatch {
  /** The span's name, or a RegExp it must match. */
  name?: string | RegExp;
  kind?: RecordedSpan['kind'];
  status?: RecordedSpan['status'];
  /** Attributes the span must carry with these values (or RegExps for strings). */
  attributes?: Record<string, Expected>;
}

const KINDS: Record<SpanKind, RecordedSpan['kind']> = {
  [SpanKind.INTERNAL]: 'internal',
  [SpanKind.SERVER]: 'server',
  [SpanKind.CLIENT]: 'client',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
};
const STATUSES: Record<SpanStatusCode, RecordedSpan['status']> = {
  [SpanStatusCode.UNSET]: 'unset',
  [SpanStatusCode.OK]: 'ok',
  [SpanStatusCode.ERROR]: 'error',
};

/** A finished span, as a plain object. */
export function toRecordedSpan(span: ReadableSpan): RecordedSpan {
  const context = span.spanContext();
  const parent = span.parentSpanContext;
  return {
    name: span.name,
    kind: KINDS[span.kind],
    status: STATUSES[span.status.code],
    attributes: { ...span.attributes },
    events: span.events.map((event) => ({
      name: event.name,
      attributes: { ...event.attributes },
    })),
    traceId: context.traceId,
    spanId: context.spanId,
    ...(parent && !parent.isRemote ? { parentSpanId: parent.spanId } : {}),
  };
}

/** Whether `span` matches every field of `match`. */
export function spanMatches(span: RecordedSpan, match: SpanMatch): boolean {
  return (
    (match.name === undefined || matches(span.name, match.name)) &&
    (match.kind === undefined || span.kind === match.kind) &&
    (match.status === undefined || span.status === match.status) &&
    (match.attributes === undefined ||
      matches(span.attributes, match.attributes))
  );
}

/**
 * The tree of the trace whose root server span ended last (the last request served),
 * or undefined when no request was traced.
 */
export function lastRequestTree(
  spans: readonly RecordedSpan[],
): SpanTreeNode | undefined {
  const root = [...spans]
    .reverse()
    .find((span) => span.kind === 'server' && span.parentSpanId === undefined);
  if (root === undefined) return undefined;
  const ofTrace = spans.filter((span) => span.traceId === root.traceId);
  const build = (span: RecordedSpan): SpanTreeNode => ({
    name: span.name,
    kind: span.kind,
    status: span.status,
    attributes: span.attributes,
    children: ofTrace
      .filter((child) => child.parentSpanId === span.spanId)
      .map(build),
  });
  return build(root);
}

/** One line per span for a failure message: `name [kind, status] {attributes}`. */
export function describeSpan(span: RecordedSpan): string {
  return `${span.name} [${span.kind}, ${span.status}] ${show(span.attributes)}`;
}
