// A loopback OTLP/HTTP sink (protobuf, the exporter's default) that counts the spans it
// receives. It walks the wire format instead of decoding it: the sink shares the machine
// with the app and the load generator, so it must cost next to nothing.
import { createServer } from 'node:http';

export async function startSink() {
  let spans = 0;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      try {
        spans += countSpans(Buffer.concat(chunks));
      } catch {
        // a malformed body counts nothing
      }
      res.writeHead(200, { 'content-type': 'application/x-protobuf' });
      res.end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/v1/traces`,
    spans: () => spans,
    reset: () => (spans = 0),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Spans in an ExportTraceServiceRequest: resource_spans = 1 → scope_spans = 2 → spans = 2,
 * all length-delimited (opentelemetry/proto/trace/v1/trace.proto).
 */
export function countSpans(buf) {
  let count = 0;
  for (const resource of fields(buf, 0, buf.length, 1))
    for (const scope of fields(buf, resource.start, resource.end, 2))
      for (const _span of fields(buf, scope.start, scope.end, 2)) count++;
  return count;
}

/** The length-delimited fields numbered `wanted` in buf[start, end). */
function* fields(buf, start, end, wanted) {
  let pos = start;
  const varint = () => {
    let value = 0;
    let shift = 0;
    for (;;) {
      if (pos >= end) throw new Error('truncated varint');
      const byte = buf[pos++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
      shift += 7;
    }
  };
  while (pos < end) {
    const tag = varint();
    const wireType = tag % 8;
    if (wireType === 0) varint();
    else if (wireType === 1) pos += 8;
    else if (wireType === 5) pos += 4;
    else if (wireType === 2) {
      const length = varint();
      const fieldStart = pos;
      pos += length;
      if (pos > end) throw new Error('truncated field');
      if (Math.floor(tag / 8) === wanted) yield { start: fieldStart, end: pos };
    } else throw new Error(`wire type ${wireType}`);
  }
}
