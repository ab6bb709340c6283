import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import {
  type Attributes,
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
  TraceFlags,
  type Tracer,
} from '@opentelemetry/api';
import { SamplingDecision, type Sampler } from '@opentelemetry/sdk-trace';
import { KNOWN_HTTP_METHODS } from '../core/http-methods';
import { messages } from '../core/messages';
import { type PresetIdGenerator, randomId } from '../sdk/preset-ids';
import type { IncomingContextPolicy } from '../sdk/trace-options';

/** A started server span and the context the request runs in. */
export interface ServerSpan {
  readonly span: Span;
  readonly context: Context;
  /** The span's ids, when valid: echoed to the caller and copied into the request's logs. */
  readonly ids: SpanContext | undefined;
}

const NO_ATTRIBUTES: Attributes = Object.freeze({});
const NO_LINKS: Link[] = [];

/**
 * The HTTP server span of each request, started by the SDK's server hook rather than
 * by the http instrumentation's incoming side. That side binds the request and the
 * response emitters to the context (every listener anyone adds gets wrapped), parses
 * the URL with `new URL()` and builds metric attributes nobody records; the bench
 * measured it at ~20 % of Express's and ~25 % of Fastify's throughput with tracing on.
 * Attributes follow the stable HTTP semantic conventions; the query string is left
 * out (it carries tokens and personal data).
 *
 * The configured head sampler is asked first, with the trace id the span would get: a
 * request it drops gets a non-recording span with fresh ids (what the SDK's tracer would
 * return) without building attributes or a span object; a sampled one is started by the
 * tracer under that very trace id ({@link PresetIdGenerator}), so the decision and the
 * exported trace agree. Both samplers the SDK installs (ParentBased and TraceIdRatio)
 * decide from the parent and the trace id alone.
 */
export class ServerSpans {
  private presampling = true;

  constructor(
    private readonly tracer: Tracer,
    private readonly sampler: Sampler,
    private readonly ids: PresetIdGenerator,
    private readonly incomingContext: IncomingContextPolicy = 'trust',
    private readonly log?: { warn(message: string): void },
  ) {}

  /**
   * Starts the span at `startTime` (`performance.now()` ms): continuing the caller's
   * trace from the request headers, or, when incoming context is distrusted, as the root
   * of a new trace linked to the caller's span.
   */
  start(req: IncomingMessage, path: string, startTime: number): ServerSpan {
    const extracted = propagation.extract(ROOT_CONTEXT, req.headers);
    let parent = extracted;
    let caller: SpanContext | undefined;
    if (this.incomingContext === 'distrust') {
      caller = trace.getSpanContext(extracted);
      // Baggage stays (the app decides what to do with it); only the parent span goes, so
      // the sampler sees a root and applies this service's ratio.
      parent = trace.deleteSpan(extracted);
    }
    const method = req.method ?? 'GET';
    const known = KNOWN_HTTP_METHODS.has(method);
    const name = known ? method : 'HTTP';
    const parentIds = trace.getSpanContext(parent);
    const continued = parentIds !== undefined && isSpanContextValid(parentIds);
    const traceId = continued ? parentIds.traceId : randomId(16);
    if (this.presampling) {
      const sampling = this.sampler.shouldSample(
        parent,
        traceId,
        name,
        SpanKind.SERVER,
        NO_ATTRIBUTES,
        NO_LINKS,
      );
      if (sampling.decision === SamplingDecision.NOT_RECORD) {
        const ids: SpanContext = {
          traceId,
          spanId: randomId(8),
          traceFlags: TraceFlags.NONE,
          traceState: sampling.traceState ?? parentIds?.traceState,
        };
        const span = trace.wrapSpanContext(ids);
        return { span, context: trace.setSpan(parent, span), ids };
      }
      if (!continued) this.ids.presetTraceId(traceId);
    }
    let span: Span;
    try {
      span = this.tracer.startSpan(
        name,
        {
          kind: SpanKind.SERVER,
          startTime,
          ...(caller !== undefined && isSpanContextValid(caller)
            ? { links: [{ context: caller }] }
            : {}),
        },
        parent,
      );
    } finally {
      this.ids.presetTraceId(undefined);
    }
    // Set on the started span rather than passed to startSpan, which would validate them
    // twice (~1 µs per request); the samplers the SDK installs never read attributes.
    if (span.isRecording())
      span.setAttributes(spanAttributes(req, path, method, known));
    const ids = span.spanContext();
    if (this.presampling && !continued && ids.traceId !== traceId) {
      // Not our provider: its sampler, not ours, decides from now on.
      this.presampling = false;
      this.log?.warn(messages.foreignTracerProvider());
    }
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
      span.setAttribute('http.route', route);
      span.updateName(
        `${KNOWN_HTTP_METHODS.has(method) ? method : 'HTTP'} ${route}`,
      );
    }
    if (res.writableFinished) {
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) {
        span.setAttribute('error.type', String(res.statusCode));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
    } else {
      span.setAttribute('error.type', 'aborted');
    }
    span.end(endTime);
  }
}

/** The request's attributes, built only for a span that records them. */
function spanAttributes(
  req: IncomingMessage,
  path: string,
  method: string,
  known: boolean,
): Attributes {
  const socket = req.socket as Partial<TLSSocket> | undefined;
  const attributes: Attributes = {
    'http.request.method': known ? method : '_OTHER',
    'url.scheme': socket?.encrypted ? 'https' : 'http',
    'url.path': bounded(path, MAX_PATH),
    'network.protocol.version': req.httpVersion,
  };
  if (!known) attributes['http.request.method_original'] = method;
  const host = req.headers.host;
  if (host !== undefined) addServer(attributes, bounded(host, MAX_HEADER));
  // The peer only: `client.address` would repeat it (forwarded headers are not trusted
  // here), and the peer's ephemeral port says nothing. Every attribute is serialized
  // into every exported span; the bench measured five fewer at ~15 % of Fastify's
  // traced throughput.
  if (socket?.remoteAddress !== undefined)
    attributes['network.peer.address'] = socket.remoteAddress;
  const userAgent = req.headers['user-agent'];
  if (userAgent !== undefined)
    attributes['user_agent.original'] = bounded(userAgent, MAX_HEADER);
  return attributes;
}

// Client-controlled values end up in every exported span: a 16 KB User-Agent must not.
const MAX_HEADER = 256;
const MAX_PATH = 1024;

function bounded(value: string, max: number): string {
  return value.length > max ? value.slice(0, max) : value;
}

/** `server.address` and `server.port` from a Host header: `host`, `host:port`, `[v6]:port`. */
function addServer(attributes: Attributes, host: string): void {
  const bracket = host.lastIndexOf(']');
  const colon = host.lastIndexOf(':');
  const hasPort =
    colon > bracket && (bracket !== -1 || host.indexOf(':') === colon);
  const name = hasPort ? host.slice(0, colon) : host;
  attributes['server.address'] =
    name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name;
  if (!hasPort) return;
  const port = Number(host.slice(colon + 1));
  if (Number.isInteger(port) && port > 0 && port <= 65_535)
    attributes['server.port'] = port;
}
