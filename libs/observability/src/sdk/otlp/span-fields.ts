import type { SpanContext } from '@opentelemetry/api';
import type { ProtobufWriter } from './protobuf-writer';

// Span.flags bits 8 and 9 (opentelemetry-proto trace.proto, SpanFlags).
const FLAG_HAS_IS_REMOTE = 0x100;
const FLAG_IS_REMOTE = 0x200;

/** trace_id = 1, span_id = 2 and trace_state = 3: the same fields in Span and Link. */
export function identity(w: ProtobufWriter, context: SpanContext): void {
  w.tag(0x0a);
  w.hexBytes(context.traceId);
  w.tag(0x12);
  w.hexBytes(context.spanId);
  const traceState = context.traceState?.serialize();
  if (traceState) {
    w.tag(0x1a);
    w.string(traceState);
  }
}

/** Span.flags: the W3C trace flags plus whether the parent (or link) is remote. */
export function flagsOf(
  traceFlags: number,
  isRemote: boolean | undefined,
): number {
  return (
    (traceFlags & 0xff) | FLAG_HAS_IS_REMOTE | (isRemote ? FLAG_IS_REMOTE : 0)
  );
}

/** A varint field, left out when zero or absent. */
export function varintField(
  w: ProtobufWriter,
  tag: number,
  value: number | undefined,
) {
  if (!value) return;
  w.tag(tag);
  w.varint(value);
}
