import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** What the SDK keeps about the request (or `CorrelationId.run` scope) being handled. */
export interface RequestStore {
  readonly correlationId: string;
  /** Header that carries the id on outbound HTTP calls. */
  readonly outboundHeader: string;
  /** Trace and span id of the server span, when one was active at the start. */
  readonly traceId: string | undefined;
  readonly spanId: string | undefined;
  readonly req: IncomingMessage | undefined;
  readonly res: ServerResponse | undefined;
  /** `performance.now()` at the start. */
  readonly start: number;
  /** Socket peer at the start (a destroyed socket no longer reports it). */
  readonly remoteAddress: string | undefined;
  /** Set by `RequestContext.setUser()`. */
  user: string | undefined;
  /** The controller method Nest routed the request to, once it is called (`DealsController.findOne`). */
  handler?: { controller: string; method: string };
}

const STORAGE = Symbol.for('@prs/nestjs-observability:request-context');
type GlobalWithStorage = typeof globalThis & {
  [STORAGE]?: AsyncLocalStorage<RequestStore>;
};

/**
 * One storage per process even if the package is loaded twice (the preload's copy
 * propagates ids on outbound calls, the app's copy sets them), the way
 * `@opentelemetry/api` keeps its globals.
 */
export function requestStorage(): AsyncLocalStorage<RequestStore> {
  const g = globalThis as GlobalWithStorage;
  return (g[STORAGE] ??= new AsyncLocalStorage<RequestStore>());
}

const storage = requestStorage();
const VALID_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The correlation id of the request being handled, reachable anywhere in its async
 * flow (services, repositories, outbound calls) without passing it around.
 *
 * @example
 * ```ts
 * await queue.publish({ ...job, correlationId: CorrelationId.current() });
 * // in the consumer:
 * await CorrelationId.run(job.correlationId, () => handle(job));
 * ```
 */
export class CorrelationId {
  /** The current id, or `undefined` outside a request or `run()` scope. */
  static current(): string | undefined {
    return storage.getStore()?.correlationId;
  }

  /** Whether `value` may be accepted from a client: 1-128 characters of `[A-Za-z0-9._:-]`. */
  static isValid(value: unknown): value is string {
    return typeof value === 'string' && VALID_ID.test(value);
  }

  /**
   * Runs `fn` with `id` as the current correlation id (a new one when `id` is missing
   * or invalid), for work outside HTTP requests: queue consumers, scheduled jobs.
   */
  static run<T>(id: string | undefined, fn: () => T): T {
    const store: RequestStore = {
      correlationId: CorrelationId.isValid(id) ? id : randomUUID(),
      outboundHeader: storage.getStore()?.outboundHeader ?? 'x-correlation-id',
      traceId: undefined,
      spanId: undefined,
      req: undefined,
      res: undefined,
      start: performance.now(),
      remoteAddress: undefined,
      user: undefined,
    };
    return storage.run(store, fn);
  }
}

/** Per-request details the app knows better than the SDK. */
export class RequestContext {
  /**
   * Sets the user id the request log reports (call it once authentication succeeded).
   * Use an opaque id, never an e-mail address or a name.
   */
  static setUser(id: string | number): void {
    const store = storage.getStore();
    if (store !== undefined) store.user = String(id).slice(0, 128);
  }
}
