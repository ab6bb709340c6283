import { Inject, Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { requestStorage } from '../core/request-context';
import { type RouteHandler, wrapRouteHandlers } from '../http/route-handlers';
import type { LoggingConfig } from './logging-options.interface';
import { LOGGING_OPTIONS } from './logging.constants';

const NAMED = Symbol.for('@prs/nestjs-observability:named-handler');
const storage = requestStorage();

/**
 * Tells the request line which controller method Nest routed the request to (its
 * `module` and `function` fields): every route handler is wrapped, while the module is
 * instantiated (before Nest registers routes), to note its class and method on the
 * request's store when called. A request stopped before its handler (404, guard,
 * pipe) has none. Nothing is wrapped when the request log is off.
 */
@Injectable()
export class RequestHandlers {
  /** How many handlers are named. */
  readonly wrapped: number;

  constructor(
    discovery: DiscoveryService,
    @Inject(LOGGING_OPTIONS) options: LoggingConfig,
  ) {
    this.wrapped =
      options.enabled && options.requestLog
        ? wrapRouteHandlers(discovery, NAMED, named)
        : 0;
  }
}

/** `original`, noting itself on the current request first. */
function named(
  controller: string,
  method: string,
  original: RouteHandler,
): RouteHandler {
  const handler = { controller, method };
  return function (this: unknown, ...args: unknown[]): unknown {
    const store = storage.getStore();
    if (store !== undefined) store.handler = handler;
    return original.apply(this, args);
  };
}
