import { createSocket } from 'node:dgram';
import { decodeAgentEmitBatch, decodeJaegerBatch } from './jaeger-decode';
import { jaegerModels } from './jaeger-thrift';
import { type ReceivedRequest } from './received-span';
import {
  startHttpReceiver,
  type HttpTraceReceiver,
  type ReceiverMode,
} from './receiver-core';
import { SpanStore, type TraceReceiver } from './span-store';

export type JaegerHttpReceiver = HttpTraceReceiver;
export interface JaegerUdpReceiver extends TraceReceiver {
  host: '127.0.0.1';
}

/** Content types jaeger-collector accepts on /api/traces for a binary-protocol Batch. */
const THRIFT_TYPES = [
  'application/x-thrift',
  'application/vnd.apache.thrift.binary',
];

/**
 * An in-process Jaeger collector on `http://127.0.0.1:<port>/api/traces`: decodes the body as a
 * jaeger.thrift `Batch` (TBinaryProtocol, official IDL via thriftrw) and answers 202 like
 * jaeger-collector. Same fault modes as the OTLP receiver.
 */
export function startJaegerHttpReceiver(
  options: ReceiverMode = {},
): Promise<JaegerHttpReceiver> {
  jaegerModels();
  return startHttpReceiver({
    path: '/api/traces',
    mode: options,
    decode: (body, contentType) => {
      if (!THRIFT_TYPES.includes(contentType)) {
        throw new Error(`unsupported Content-Type ${contentType || '(none)'}`);
      }
      return {
        spans: decodeJaegerBatch(body),
        response: { status: 202, body: '' },
      };
    },
  });
}

/**
 * An in-process Jaeger agent on udp://127.0.0.1:<port>. It decodes what
 * `@opentelemetry/exporter-jaeger`'s UDP sender (jaeger-client UDPSender) really sends: one
 * `Agent.emitBatch` ONEWAY message per datagram in the Thrift *binary* protocol — the real
 * agent's port 6832 flavour, not compact/6831. Undecodable datagrams are kept in `requests()`
 * with an `error`.
 */
export async function startJaegerUdpReceiver(): Promise<JaegerUdpReceiver> {
  jaegerModels();
  const store = new SpanStore();
  const socket = createSocket('udp4');
  let closed: Promise<void> | undefined;
  socket.on('message', (packet) => {
    const request: ReceivedRequest = {
      contentType: 'thrift-binary/udp',
      count: 0,
    };
    try {
      const spans = decodeAgentEmitBatch(packet);
      request.count = spans.length;
      store.record(request, spans);
    } catch (error) {
      request.error = error instanceof Error ? error.message : String(error);
      store.record(request, []);
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve());
  });
  return {
    host: '127.0.0.1',
    port: socket.address().port,
    spans: store.spans,
    requests: store.requests,
    waitForSpans: store.waitForSpans,
    reset: store.reset,
    close: () =>
      (closed ??= new Promise<void>((resolve) =>
        socket.close(() => setTimeout(resolve, 0)),
      )),
  };
}
