import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context, Span, SpanContext } from '@opentelemetry/api';

/**
 * One request as the HTTP server hook sees it, shared by every observer of that
 * request. Observers run in the order the module gives them, so a later one reads
 * what an earlier one set (logging reads the server span that tracing started).
 */
export interface ObservedRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** The request path without its query string. */
  readonly path: string;
  /** `performance.now()` when the request reached the server. */
  readonly start: number;
  /**
   * `performance.now()` when the response closed, set before any observer's `end`: the
   * one instant the request's metrics, span and log line all measure to.
   */
  end: number;
  /** The server span, when an observer started one; set in `begin`. */
  span: Span | undefined;
  /** The server span's valid ids, when it has them; set with {@link span}. */
  spanContext: SpanContext | undefined;
  /** The context the rest of the request runs in (the server span's); set with {@link span}. */
  context: Context | undefined;
}

/**
 * A capability that watches every request the app serves (metrics, tracing, logging).
 * The hook owns the request's lifecycle: it calls `begin` when the request arrives,
 * lets each observer wrap the rest of the request with `enter`, and calls `end` once
 * when the response closed, with the route template it looked up once for everyone.
 * The hook catches anything an observer throws and reports it, rate-limited; the
 * request is never affected.
 *
 * @typeParam State what the observer keeps for one request; `undefined` from `begin`
 * means "not this request" (no `enter`, no `end`).
 */
export interface RequestObserver<State = unknown> {
  /** Names the observer in rate-limited diagnostics, e.g. `Recording HTTP metrics`. */
  readonly label: string;
  /** Starts observing one request; `undefined` skips it. */
  begin(request: ObservedRequest): State | undefined;
  /** Runs `next` (the rest of the request) inside the observer's context. */
  enter?(state: State, next: () => void): void;
  /** The response closed (finished or aborted); `route` is `undefined` when unmatched. */
  end(state: State, request: ObservedRequest, route: string | undefined): void;
}

/** Injection token of the ordered observers the module gives the hook. */
export const REQUEST_OBSERVERS = 'OBSERVABILITY:REQUEST_OBSERVERS';
