import type { RateLimitedLogger } from '../core/rate-limited-logger';
import { messages } from '../core/messages';
import { fastifyRequestOf } from '../http/route-template';
import { UNMATCHED_ENDPOINT } from '../core/metric-names';
import type { IncomingMessage } from 'node:http';
// Imported, not the global: Node defines the global `performance` as a lazy getter.
import { performance } from 'node:perf_hooks';
import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { quote } from './json-line';
import type { LogPipeline, WriteLevel } from './log-pipeline';
import { type JsonText, RequestLineParts } from './request-line-parts';
import type { LogUserExtractor } from './logging-options.interface';
import { requestStorage, type RequestStore } from '../core/request-context';

/** `request.status` of a request whose client went away before the response finished. */
export const ABORTED_STATUS = 499;

const ERROR_LEVEL = 50;
const storage = requestStorage();

/**
 * Writes the one line per finished request: `request { method, path, route, query?,
 * status, duration_ms, user, ip, user_agent }`, and `module`/`function` (the controller
 * and its method) when the request reached its handler. The message names the route template,
 * never the raw path, so it stays short and free of ids and tokens.
 *
 * Serialized here in one pass rather than by pino (this line is written for every
 * request), byte for byte as pino wrote it: pino's level, timestamp and base fields, then
 * the active context's fields (pino's mixin) with this request's values for the keys both
 * have, then the rest, then `message`.
 */
export class RequestLog {
  private readonly parts: RequestLineParts;

  constructor(
    private readonly pipeline: LogPipeline,
    private readonly userId: LogUserExtractor,
    private readonly log: RateLimitedLogger,
  ) {
    this.parts = new RequestLineParts(pipeline.redactor);
  }

  /**
   * Writes the line of a finished request; `route` is the template it matched, if any;
   * `end` is when its response closed (`performance.now()`), the instant its metrics and
   * server span end at.
   */
  write(
    store: RequestStore,
    route = UNMATCHED_ENDPOINT,
    end = performance.now(),
  ): void {
    try {
      const { req, res } = store;
      if (req === undefined || res === undefined) return;
      const finished = res.writableFinished;
      const status = finished ? res.statusCode : ABORTED_STATUS;
      const level: WriteLevel =
        status >= 500 ? 'error' : status >= 400 || !finished ? 'warn' : 'info';
      if (!this.pipeline.isLevelEnabled(level)) return;
      const levelValue = this.pipeline.levelValue(level);
      const method = this.parts.method(req.method ?? 'UNKNOWN');
      const routeText = this.parts.route(route);
      // pino's mixin (`contextFields`): the active request's correlation id and trace.
      const active = storage.getStore();
      const ids = activeIds(active);
      const correlationId = `,"correlation_id":${quote(store.correlationId)}`;
      let context = '';
      if (ids !== undefined) {
        context = idFields(store.traceId === undefined ? ids : store);
        const traceUiUrl = this.pipeline.traceUiUrl;
        if (levelValue >= ERROR_LEVEL && traceUiUrl !== undefined)
          context += `,"trace_url":${quote(`${traceUiUrl}/trace/${ids.traceId}`)}`;
      }
      // The guide's `module` and `function`: the controller method Nest routed to.
      const handler =
        store.handler === undefined ? '' : this.parts.handler(store.handler);
      const lateIds =
        ids === undefined && store.traceId !== undefined ? idFields(store) : '';
      const request = this.request(
        store,
        req,
        method,
        routeText,
        finished,
        status,
        end,
      );
      // One template: V8 builds it in one allocation. The message's parts are
      // JSON-escaped alike inside and outside it.
      const line = `${this.pipeline.linePrefix(levelValue)}${active === undefined ? '' : correlationId}${context},"logger":"http"${active === undefined ? correlationId : ''},"request":${request}${handler}${lateIds},"message":"${method.inner} ${routeText.inner} ${status}"}\n`;
      this.pipeline.writeLine(line, levelValue);
    } catch (error) {
      this.log.warn('request-log', messages.requestLogFailed(), error);
    }
  }

  /** The `request` object, as JSON. */
  private request(
    store: RequestStore,
    req: IncomingMessage,
    method: JsonText,
    route: JsonText,
    finished: boolean,
    status: number,
    end: number,
  ): string {
    const r = this.pipeline.redactor;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const userAgent = req.headers['user-agent'];
    const user = store.user ?? this.user(fastifyRequestOf(req) ?? req);
    const ip = this.pipeline.clientIp(
      store.remoteAddress,
      req.headers['x-forwarded-for'],
    );
    const duration = milliseconds(end - store.start);
    const path = quote(r.text(q === -1 ? url : url.slice(0, q)));
    const query =
      q === -1 ? '' : `,"query":${quote(r.query(url.slice(q + 1)))}`;
    return `{"method":${method.json},"path":${path},"route":${route.json},"status":${jsonNumber(status)},"duration_ms":${duration},"user":${user === null ? 'null' : quote(user)},"ip":${ip === undefined ? 'null' : quote(ip)},"user_agent":${userAgent === undefined ? 'null' : this.parts.userAgentOf(userAgent)}${query}${finished ? '}' : ',"aborted":true}'}`;
  }

  private user(request: unknown): string | null {
    try {
      const id = this.userId(request);
      return id === undefined || id === null ? null : String(id).slice(0, 128);
    } catch {
      return null;
    }
  }
}

/** Trace and span id, as held by a span context or a request store. */
interface Ids {
  readonly traceId: string | undefined;
  readonly spanId: string | undefined;
}

/**
 * The ids `contextFields` reports for the active context: the active span's if valid,
 * else the active store's. No object is made: the span context or the store is returned.
 */
function activeIds(active: RequestStore | undefined): Ids | undefined {
  const span = trace.getSpan(context.active())?.spanContext();
  const stored =
    active?.traceId !== undefined && active.spanId !== undefined
      ? active
      : undefined;
  if (span === undefined) return stored;
  // The store holds the very ids: the same result whether the span is valid or not.
  if (stored?.traceId === span.traceId && stored.spanId === span.spanId)
    return stored;
  return isSpanContextValid(span) ? span : stored;
}

/** `,"trace_id":…,"span_id":…`; `span_id` left out when there is none (pino leaves `undefined` out). */
function idFields({ traceId, spanId }: Ids): string {
  const trace = `,"trace_id":${quote(traceId!)}`;
  return spanId === undefined ? trace : `${trace},"span_id":${quote(spanId)}`;
}

/** A number the way JSON.stringify writes it (non-finite as `null`). */
function jsonNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}

/**
 * `elapsed` rounded to the microsecond, as JSON: `String(Math.round(elapsed * 1000) / 1000)`
 * without the double-to-text conversion (the decimal digits of a whole number of
 * microseconds are that number's own digits).
 */
export function milliseconds(elapsed: number): string {
  const micros = Math.round(elapsed * 1000);
  if (!(micros >= 0 && micros <= 0x3fffffff))
    return jsonNumber(Math.round(elapsed * 1000) / 1000);
  const frac = micros % 1000;
  const whole = (micros - frac) / 1000;
  if (frac === 0) return `${whole}`;
  // Trailing zeros dropped, leading ones kept: 1.05, 1.005, 1.5.
  if (frac % 100 === 0) return `${whole}.${frac / 100}`;
  if (frac % 10 === 0) return `${whole}.${frac < 100 ? '0' : ''}${frac / 10}`;
  return `${whole}.${frac < 10 ? '00' : frac < 100 ? '0' : ''}${frac}`;
}
