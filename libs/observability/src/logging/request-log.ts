import type { RateLimitedLogger } from '../core/rate-limited-logger';
import { messages } from '../core/messages';
import { fastifyRequestOf } from '../http/route-template';
import { UNMATCHED_ENDPOINT } from '../core/metric-names';
import { jsonValue, quote } from './json-line';
import type { LogPipeline, SerializedFields, WriteLevel } from './log-pipeline';
import type { LogUserExtractor } from './logging-options.interface';
import type { RequestStore } from '../core/request-context';

/** `request.status` of a request whose client went away before the response finished. */
export const ABORTED_STATUS = 499;

/**
 * Writes the one line per finished request: `request { method, path, route, query?,
 * status, duration_ms, user, ip, user_agent }`, and `module`/`function` (the controller
 * and its method) when the request reached its handler. The message names the route template,
 * never the raw path, so it stays short and free of ids and tokens.
 */
export class RequestLog {
  constructor(
    private readonly pipeline: LogPipeline,
    private readonly userId: LogUserExtractor,
    private readonly log: RateLimitedLogger,
  ) {}

  /** Writes the line of a finished request; `route` is the template it matched, if any. */
  write(store: RequestStore, route = UNMATCHED_ENDPOINT): void {
    try {
      const { req, res } = store;
      if (req === undefined || res === undefined) return;
      const finished = res.writableFinished;
      const status = finished ? res.statusCode : ABORTED_STATUS;
      const level: WriteLevel =
        status >= 500 ? 'error' : status >= 400 || !finished ? 'warn' : 'info';
      if (!this.pipeline.isLevelEnabled(level)) return;
      const r = this.pipeline.redactor;
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const method = r.text(req.method ?? 'UNKNOWN');
      const userAgent = req.headers['user-agent'];
      const user = store.user ?? this.user(fastifyRequestOf(req) ?? req);
      const ip = this.pipeline.clientIp(
        store.remoteAddress,
        req.headers['x-forwarded-for'],
      );
      const durationMs =
        Math.round((performance.now() - store.start) * 1000) / 1000;
      // Serialized here rather than by pino: this line is written for every request.
      let request =
        `{"method":${quote(method)}` +
        `,"path":${quote(r.text(q === -1 ? url : url.slice(0, q)))}` +
        `,"route":${quote(route)}` +
        `,"status":${jsonValue(status)}` +
        `,"duration_ms":${jsonValue(durationMs)}` +
        `,"user":${user === null ? 'null' : (jsonValue(user) ?? 'null')}` +
        `,"ip":${ip === undefined ? 'null' : quote(ip)}` +
        `,"user_agent":${userAgent === undefined ? 'null' : quote(r.text(userAgent))}`;
      if (q !== -1) request += `,"query":${quote(r.query(url.slice(q + 1)))}`;
      if (!finished) request += ',"aborted":true';
      const fields: SerializedFields = {
        logger: '"http"',
        correlation_id: quote(store.correlationId),
        request: `${request}}`,
      };
      // The guide's `module` and `function`: the controller method Nest routed to.
      const handler = store.handler;
      if (handler !== undefined) {
        fields.module = quote(handler.controller);
        fields.function = quote(`${handler.controller}.${handler.method}`);
      }
      if (store.traceId !== undefined) {
        fields.trace_id = quote(store.traceId);
        fields.span_id = jsonValue(store.spanId);
      }
      this.pipeline.writeSerialized(
        level,
        fields,
        `${method} ${route} ${status}`,
      );
    } catch (error) {
      this.log.warn('request-log', messages.requestLogFailed(), error);
    }
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
