import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import {
  type Context,
  isSpanContextValid,
  type Link,
  propagation,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  trace,
  type Tracer,
} from '@opentelemetry/api';
import { KNOWN_HTTP_METHODS } from '../core/http-methods';
import type { IncomingContextPolicy } from '../sdk/trace-options';
import { LeanSpan } from './lean-span';
import type { SpanPipeline } from './span-pipeline.types';
import { spanPipelineOf, startLeanSpan } from './span-pipeline';

/** A started server span and the context the request runs in. */
export interface ServerSpan {
  readonly span: Span;
  readonly context: Context;
  /** The span's ids, when valid: echoed to the caller and copied into the request's logs. */
  readonly ids: SpanContext | undefined;
}

/**
 * The HTTP server span of each request, started by the SDK's server hook rather than
 * by the http instrumentation's incoming side. That side binds the request and the
 * response emitters to the context (every listener anyone adds gets wrapped), parses
 * the URL with `new URL()` and builds metric attributes nobody records; the bench
 * measured it at ~20 % of Express's and ~25 % of Fastify's throughput with tracing on.
 * Attributes follow the stable HTTP semantic conventions; the query string is left
 * out (it carries tokens and personal data).
 *
 * With the SDK's tracer the span is a {@link LeanSpan} started by {@link startLeanSpan}:
 * a request the sampler drops builds no attributes and no span object. With any other
 * tracer, the tracer starts it.
 */
export class ServerSpans {
  private readonly pipeline: SpanPipeline | undefined;

  constructor(
    private readonly tracer: Tracer,
    private readonly incomingContext: IncomingContextPolicy = 'trust',
  ) {
    this.pipeline = spanPipelineOf(tracer);
  }

  /**
   * Starts the span at `startTime` (`performance.now()` ms): continuing the caller's
   * trace from the request headers, or, when incoming context is distrusted, as the root
   * of a new trace linked to the caller's span.
   */
  start(req: IncomingMessage, path: string, startTime: number): ServerSpan {
    const extracted = propagation.extract(ROOT_CONTEXT, req.headers);
    let parent = extracted;
    let links: Link[] | undefined;
    if (this.incomingContext === 'distrust') {
      const caller = trace.getSpanContext(extracted);
      if (caller !== undefined && isSpanContextValid(caller))
        links = [{ context: caller }];
      // Baggage stays (the app decides what to do with it); only the parent span goes, so
      // the sampler sees a root and applies this service's ratio.
      parent = trace.deleteSpan(extracted);
    }
    const method = req.method ?? 'GET';
    const known = KNOWN_HTTP_METHODS.has(method);
    const name = known ? method : 'HTTP';
    const span =
      this.pipeline !== undefined
        ? startLeanSpan(
            this.pipeline,
            name,
            SpanKind.SERVER,
            parent,
            startTime,
            links,
          )
        : this.tracer.startSpan(
            name,
            { kind: SpanKind.SERVER, startTime, links },
            parent,
          );
    if (span.isRecording())
      setRequestAttributes(span, req, path, method, known);
    const ids = span.spanContext();
    return {
      span,
      context: trace.setSpan(parent, span),
      ids: isSpanContextValid(ids) ? ids : undefined,
    };
  }

  /**
   * Ends the span at `endTime` (`performance.now()` ms, the instant the request's
   * metrics measure to), as the response closed: named `GET /api/deals/:id` after the
   * matched route, 5xx marked as errors, a response the client abandoned marked `aborted`.
   */
  end(
    { span }: ServerSpan,
    res: ServerResponse,
    route: string | undefined,
    endTime: number,
  ): void {
    if (!span.isRecording()) return;
    if (route !== undefined) {
      const method = res.req.method ?? 'GET';
      setOwn(span, 'http.route', route);
      span.updateName(
        `${KNOWN_HTTP_METHODS.has(method) ? method : 'HTTP'} ${route}`,
      );
    }
    if (res.writableFinished) {
      setOwn(span, 'http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) {
        setOwn(span, 'error.type', String(res.statusCode));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
    } else {
      setOwn(span, 'error.type', 'aborted');
    }
    span.end(endTime);
  }
}

/** The request's attributes, set only on a span that records them. */
function setRequestAttributes(
  span: Span,
  req: IncomingMessage,
  path: string,
  method: string,
  known: boolean,
): void {
  const socket = req.socket as Partial<TLSSocket> | undefined;
  setOwn(span, 'http.request.method', known ? method : '_OTHER');
  setOwn(span, 'url.scheme', socket?.encrypted ? 'https' : 'http');
  setOwn(span, 'url.path', bounded(path, MAX_PATH));
  setOwn(span, 'network.protocol.version', req.httpVersion);
  if (!known) setOwn(span, 'http.request.method_original', method);
  const host = req.headers.host;
  if (host !== undefined) addServer(span, bounded(host, MAX_HEADER));
  // The peer only: `client.address` would repeat it (forwarded headers are not trusted
  // here), and the peer's ephemeral port says nothing. Every attribute is serialized
  // into every exported span; the bench measured five fewer at ~15 % of Fastify's
  // traced throughput.
  if (socket?.remoteAddress !== undefined)
    setOwn(span, 'network.peer.address', socket.remoteAddress);
  const userAgent = req.headers['user-agent'];
  if (userAgent !== undefined)
    setOwn(span, 'user_agent.original', bounded(userAgent, MAX_HEADER));
}

/** An attribute the SDK built (key and value known good): a lean span skips validation. */
function setOwn(span: Span, key: string, value: string | number): void {
  if (span instanceof LeanSpan) span.setOwnAttribute(key, value);
  else span.setAttribute(key, value);
}

// Client-controlled values end up in every exported span: a 16 KB User-Agent must not.
const MAX_HEADER = 256;
const MAX_PATH = 1024;

function bounded(value: string, max: number): string {
  return value.length > max ? value.slice(0, max) : value;
}

/** `server.address` and `server.port` from a Host header: `host`, `host:port`, `[v6]:port`. */
function addServer(span: Span, host: string): void {
  const bracket = host.lastIndexOf(']');
  const colon = host.lastIndexOf(':');
  const hasPort =
    colon > bracket && (bracket !== -1 || host.indexOf(':') === colon);
  const name = hasPort ? host.slice(0, colon) : host;
  setOwn(
    span,
    'server.address',
    name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name,
  );
  if (!hasPort) return;
  const port = Number(host.slice(colon + 1));
  if (Number.isInteger(port) && port > 0 && port <= 65_535)
    setOwn(span, 'server.port', port);
}
