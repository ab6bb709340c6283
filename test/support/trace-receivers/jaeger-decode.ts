import {
  toHexId,
  type ReceivedAttributeValue,
  type ReceivedSpan,
  type ReceivedSpanKind,
} from './received-span';
import {
  jaegerModels,
  type Batch,
  type JaegerSpan,
  type ReadResult,
  type Tag,
} from './jaeger-thrift';

const int64 = (b: Buffer): bigint => b.readBigInt64BE(0);

function tagValue(tag: Tag): ReceivedAttributeValue {
  switch (tag.vType) {
    case 'STRING':
      return tag.vStr ?? '';
    case 'DOUBLE':
      return tag.vDouble ?? 0;
    case 'BOOL':
      return tag.vBool ?? false;
    case 'LONG':
      return tag.vLong ? Number(int64(tag.vLong)) : 0;
    case 'BINARY':
      return (tag.vBinary ?? Buffer.alloc(0)).toString('base64');
  }
}

const tagMap = (tags: Tag[] | null) =>
  Object.fromEntries((tags ?? []).map((t) => [t.key, tagValue(t)]));

const KINDS = new Set<ReceivedSpanKind>([
  'server',
  'client',
  'producer',
  'consumer',
  'internal',
]);
/** Tags the OTel Jaeger exporter derives from span fields; mapped back, as the OTel collector does. */
const MAPPED = [
  'span.kind',
  'otel.status_code',
  'otel.status_description',
  'otel.library.name',
  'otel.library.version',
];

function toReceivedSpan(span: JaegerSpan, serviceName: string): ReceivedSpan {
  const tags = tagMap(span.tags);
  const kindTag = tags['span.kind'];
  // The exporter writes no span.kind tag for INTERNAL spans.
  const kind =
    kindTag === undefined
      ? 'internal'
      : KINDS.has(kindTag as ReceivedSpanKind)
        ? (kindTag as ReceivedSpanKind)
        : 'unspecified';
  const code = tags['otel.status_code'];
  const status: ReceivedSpan['status'] = {
    code:
      code === 'OK'
        ? 'ok'
        : code === 'ERROR' || (code === undefined && tags['error'] === true)
          ? 'error'
          : 'unset',
  };
  const message = tags['otel.status_description'];
  if (typeof message === 'string' && message) status.message = message;
  if (status.code === 'error' && tags['error'] === true) delete tags['error'];
  MAPPED.forEach((key) => delete tags[key]);

  const childOf = (span.references ?? []).find((r) => r.refType === 'CHILD_OF');
  const parent =
    int64(span.parentSpanId) !== 0n ? span.parentSpanId : childOf?.spanId;
  const startMicros = int64(span.startTime);
  return {
    traceId: toHexId(Buffer.concat([span.traceIdHigh, span.traceIdLow]), 32),
    spanId: toHexId(span.spanId, 16),
    ...(parent ? { parentSpanId: toHexId(parent, 16) } : {}),
    name: span.operationName,
    kind,
    serviceName,
    attributes: tags,
    status,
    startTimeUnixNano: startMicros * 1000n,
    endTimeUnixNano: (startMicros + int64(span.duration)) * 1000n,
    events: (span.logs ?? []).map((log) => {
      const { event, ...attributes } = tagMap(log.fields);
      return { name: typeof event === 'string' ? event : '', attributes };
    }),
  };
}

const batchSpans = (batch: Batch): ReceivedSpan[] =>
  batch.spans.map((s) => toReceivedSpan(s, batch.process.serviceName));

function read<T>(result: ReadResult<T>, length: number, what: string): T {
  if (result.err)
    throw new Error(`cannot decode ${what}: ${result.err.message}`);
  if (result.offset !== length) {
    throw new Error(`${what}: ${length - result.offset} trailing byte(s)`);
  }
  return result.value;
}

/** A collector `POST /api/traces` body: one jaeger.thrift `Batch`, TBinaryProtocol. */
export function decodeJaegerBatch(body: Buffer): ReceivedSpan[] {
  return batchSpans(
    read(
      jaegerModels().jaeger.Batch.rw.readFrom(body, 0),
      body.length,
      'Batch',
    ),
  );
}

/**
 * An agent UDP datagram: a TBinaryProtocol (strict) message envelope `emitBatch`, ONEWAY,
 * carrying `Agent.emitBatch` arguments, exactly as jaeger-client's UDPSender writes it.
 */
export function decodeAgentEmitBatch(packet: Buffer): ReceivedSpan[] {
  if (packet[0] === 0x82) {
    throw new Error(
      'Thrift compact protocol is not supported (the exporter sends binary)',
    );
  }
  const rw = jaegerModels().agent.Agent.emitBatch.argumentsMessageRW;
  const message = read(
    rw.readFrom(packet, 0),
    packet.length,
    'Agent.emitBatch message',
  );
  if (message.name !== 'emitBatch' || message.type !== 'ONEWAY') {
    throw new Error(`unexpected ${message.type} message ${message.name}`);
  }
  return batchSpans(message.body.batch);
}
