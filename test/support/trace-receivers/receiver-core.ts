import {
  createServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { type AddressInfo, type Socket } from 'node:net';
import { gunzipSync, inflateSync } from 'node:zlib';
import { type ReceivedRequest, type ReceivedSpan } from './received-span';
import { SpanStore, type TraceReceiver } from './span-store';

/** How an HTTP receiver answers: `blackhole` wins over `failWith`, `delayMs` applies to both others. */
export interface ReceiverMode {
  delayMs?: number;
  failWith?: number;
  blackhole?: boolean;
}

export interface HttpTraceReceiver extends TraceReceiver {
  url: string;
  setMode(mode: ReceiverMode): void;
}

export interface DecodedRequest {
  spans: ReceivedSpan[];
  /** Success answer, e.g. an empty ExportTraceServiceResponse; status defaults to 200. */
  response: {
    status?: number;
    contentType?: string;
    body: Uint8Array | string;
  };
}

export interface HttpReceiverSpec {
  path: string;
  mode?: ReceiverMode;
  /** Throw to answer 400 (or the thrown error's numeric `status`, e.g. 415). */
  decode(body: Buffer, contentType: string): DecodedRequest;
}

function inflate(body: Buffer, encoding: string | undefined): Buffer {
  if (!encoding || encoding === 'identity') return body;
  if (encoding === 'gzip') return gunzipSync(body);
  if (encoding === 'deflate') return inflateSync(body);
  throw new Error(`unsupported Content-Encoding ${encoding}`);
}

/** A loopback HTTP receiver on 127.0.0.1:<ephemeral> with collector-like fault modes. */
export async function startHttpReceiver(
  spec: HttpReceiverSpec,
): Promise<HttpTraceReceiver> {
  const store = new SpanStore();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let mode: ReceiverMode = { ...spec.mode };
  let closed: Promise<void> | undefined;

  const handle = (
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
  ): void => {
    const contentType = (req.headers['content-type'] ?? '')
      .split(';')[0]!
      .trim();
    const contentEncoding = req.headers['content-encoding'];
    const entry: ReceivedRequest = {
      contentType,
      count: 0,
      ...(contentEncoding ? { contentEncoding } : {}),
    };
    if (req.method !== 'POST' || req.url?.split('?')[0] !== spec.path) {
      store.record(entry, []).status = 404;
      res.writeHead(404).end();
      return;
    }
    const { blackhole, failWith, delayMs } = mode;
    if (blackhole) {
      store.record(entry, []); // hold the socket, never answer
      return;
    }
    let answer: () => void;
    if (failWith !== undefined) {
      store.record(entry, []);
      answer = () =>
        res
          .writeHead(failWith, { 'Content-Type': 'text/plain' })
          .end('injected failure');
    } else {
      try {
        const decoded = spec.decode(
          inflate(body, contentEncoding),
          contentType,
        );
        entry.count = decoded.spans.length;
        store.record(entry, decoded.spans);
        const { status, contentType: type, body: out } = decoded.response;
        answer = () =>
          res
            .writeHead(status ?? 200, type ? { 'Content-Type': type } : {})
            .end(out);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const status = (error as { status?: unknown }).status;
        entry.error = message;
        store.record(entry, []);
        answer = () =>
          res
            .writeHead(typeof status === 'number' ? status : 400, {
              'Content-Type': 'text/plain',
            })
            .end(message);
      }
    }
    const respond = () => {
      answer();
      entry.status = res.statusCode;
    };
    if (!delayMs) {
      respond();
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      respond();
    }, delayMs);
    timers.add(timer);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks)));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}${spec.path}`,
    port,
    spans: store.spans,
    requests: store.requests,
    waitForSpans: store.waitForSpans,
    reset: store.reset,
    setMode: (next) => {
      mode = { ...next };
    },
    // Idempotent. Destroys held (blackholed/delayed) and keep-alive connections too, so
    // nothing of the receiver outlives close().
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        timers.forEach(clearTimeout);
        timers.clear();
        // 'close' fires on nextTick, before libuv has released the handles; one macrotask later
        // they are gone from process.getActiveResourcesInfo() as well.
        server.close(() => setTimeout(resolve, 0));
        sockets.forEach((socket) => socket.destroy());
      })),
  };
}
