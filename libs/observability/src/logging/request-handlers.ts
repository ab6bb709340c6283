import { Inject, Injectable } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService } from '@nestjs/core';
import { requestStorage } from '../core/request-context';
import type { LoggingConfig } from './logging-options.interface';
import { LOGGING_OPTIONS } from './logging.constants';

type Handler = (this: unknown, ...args: unknown[]) => unknown;

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
    let count = 0;
    if (options.enabled && options.requestLog) {
      for (const wrapper of discovery.getControllers()) {
        const metatype = wrapper.metatype as
          (new (...args: never[]) => unknown) | undefined;
        const prototype = metatype?.prototype as
          Record<string, unknown> | undefined;
        if (!metatype || !prototype) continue;
        for (const method of Object.getOwnPropertyNames(prototype)) {
          if (method === 'constructor') continue;
          const handler = Object.getOwnPropertyDescriptor(prototype, method)
            ?.value as Handler | undefined;
          if (typeof handler !== 'function' || NAMED in handler) continue;
          if (Reflect.getMetadata(PATH_METADATA, handler) === undefined)
            continue;
          if (Reflect.getMetadata(METHOD_METADATA, handler) === undefined)
            continue;
          prototype[method] = named(metatype.name, method, handler);
          count++;
        }
      }
    }
    this.wrapped = count;
  }
}

/** `original`, noting itself on the current request first; name and metadata kept. */
function named(controller: string, method: string, original: Handler): Handler {
  const handler = { controller, method };
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    const store = storage.getStore();
    if (store !== undefined) store.handler = handler;
    return original.apply(this, args);
  };
  Object.defineProperty(wrapped, 'name', { value: original.name });
  Object.defineProperty(wrapped, NAMED, { value: original });
  for (const key of Reflect.getMetadataKeys(original) as unknown[]) {
    Reflect.defineMetadata(key, Reflect.getMetadata(key, original), wrapped);
  }
  return wrapped;
}
