/**
 * The protocol-neutral view of one span as a loopback receiver decoded it from the wire.
 * OTLP (protobuf and JSON) and Jaeger (thrift over HTTP and UDP) all normalise into this shape.
 */
export type ReceivedAttributeValue =
  string | number | boolean | string[] | number[] | boolean[];

export type ReceivedSpanKind =
  'server' | 'client' | 'internal' | 'producer' | 'consumer' | 'unspecified';

export interface ReceivedSpan {
  /** 32 lowercase hex characters. */
  traceId: string;
  /** 16 lowercase hex characters. */
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: ReceivedSpanKind;
  serviceName: string;
  /** The resource's attributes (`service.name` included); OTLP only, Jaeger has no such map. */
  resource?: Record<string, ReceivedAttributeValue>;
  attributes: Record<string, ReceivedAttributeValue>;
  status: { code: 'unset' | 'ok' | 'error'; message?: string };
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  events: { name: string; attributes: Record<string, unknown> }[];
}

export interface SpanTreeNode {
  name: string;
  children: SpanTreeNode[];
}

/** One entry per request (HTTP) or datagram (UDP) the receiver got. */
export interface ReceivedRequest {
  contentType: string;
  /** Spans decoded from this request (0 when decoding failed or the request was held). */
  count: number;
  contentEncoding?: string;
  /** Status the receiver answered with; undefined while held (delay/blackhole) and for UDP. */
  status?: number;
  /** Why decoding failed, if it did. */
  error?: string;
}

const byStart = (a: ReceivedSpan, b: ReceivedSpan): number =>
  a.startTimeUnixNano < b.startTimeUnixNano
    ? -1
    : a.startTimeUnixNano > b.startTimeUnixNano
      ? 1
      : a.name.localeCompare(b.name);

/**
 * Rebuilds the span forest from parent links. A span whose parent was not received is a root.
 * Roots and children are ordered by start time (then name), so the result is deterministic.
 */
export function spanTree(spans: readonly ReceivedSpan[]): SpanTreeNode[] {
  const key = (traceId: string, spanId: string) => `${traceId}/${spanId}`;
  const known = new Set(spans.map((s) => key(s.traceId, s.spanId)));
  const children = new Map<string, ReceivedSpan[]>();
  const roots: ReceivedSpan[] = [];
  for (const span of spans) {
    const parent =
      span.parentSpanId === undefined
        ? undefined
        : key(span.traceId, span.parentSpanId);
    if (parent === undefined || !known.has(parent)) {
      roots.push(span);
      continue;
    }
    const siblings = children.get(parent) ?? [];
    siblings.push(span);
    children.set(parent, siblings);
  }
  const build = (span: ReceivedSpan, seen: Set<string>): SpanTreeNode => {
    const id = key(span.traceId, span.spanId);
    const next = new Set(seen).add(id);
    const kids = (children.get(id) ?? []).filter(
      (c) => !next.has(key(c.traceId, c.spanId)),
    );
    return {
      name: span.name,
      children: kids.sort(byStart).map((c) => build(c, next)),
    };
  };
  return roots.sort(byStart).map((r) => build(r, new Set()));
}

/** Indented text rendering of `spanTree`, handy in assertion messages. */
export function renderSpanTree(
  nodes: readonly SpanTreeNode[],
  depth = 0,
): string {
  return nodes
    .map(
      (n) =>
        `${'  '.repeat(depth)}${n.name}\n${renderSpanTree(n.children, depth + 1)}`,
    )
    .join('');
}

/** Ids on the wire are bytes; render them as fixed-width lowercase hex. */
export function toHexId(bytes: Uint8Array, width: 16 | 32): string {
  return Buffer.from(bytes).toString('hex').padStart(width, '0');
}
