import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import type { DiscoveryService } from '@nestjs/core';

/** A controller route handler, as Nest calls it. */
export type RouteHandler = (this: unknown, ...args: unknown[]) => unknown;

/** Builds the replacement of one route handler of `controller` (its class name). */
export type WrapRouteHandler = (
  controller: string,
  method: string,
  original: RouteHandler,
) => RouteHandler;

/**
 * Replaces every controller route handler (a prototype method carrying Nest's path and
 * method metadata) with what `wrap` returns, keeping the method's name and every Reflect
 * metadata key Nest reads (route, guards, pipes, ...). Runs while the module is being
 * instantiated, before Nest registers routes and captures the handlers. `mark` tags the
 * replacements, so a second call with the same mark (a second app in one process) wraps
 * nothing twice. Returns how many handlers were replaced.
 */
export function wrapRouteHandlers(
  discovery: DiscoveryService,
  mark: symbol,
  wrap: WrapRouteHandler,
): number {
  let count = 0;
  for (const wrapper of discovery.getControllers()) {
    const metatype = wrapper.metatype as
      (new (...args: never[]) => unknown) | undefined;
    const prototype = metatype?.prototype as
      Record<string, unknown> | undefined;
    if (!metatype || !prototype) continue;
    for (const method of Object.getOwnPropertyNames(prototype)) {
      if (method === 'constructor') continue;
      const handler = Object.getOwnPropertyDescriptor(prototype, method)
        ?.value as RouteHandler | undefined;
      if (typeof handler !== 'function' || mark in handler) continue;
      if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
      if (Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
      const wrapped = wrap(metatype.name, method, handler);
      Object.defineProperty(wrapped, 'name', { value: handler.name });
      // Earlier wrappers' marks stay visible on the outer function: a second app in the
      // process (a test per adapter) must find every wrapper in place, not just the last.
      for (const earlier of Object.getOwnPropertySymbols(handler))
        Object.defineProperty(wrapped, earlier, {
          value: (handler as unknown as Record<symbol, unknown>)[earlier],
        });
      Object.defineProperty(wrapped, mark, { value: handler });
      for (const key of Reflect.getMetadataKeys(handler) as unknown[])
        Reflect.defineMetadata(key, Reflect.getMetadata(key, handler), wrapped);
      prototype[method] = wrapped;
      count++;
    }
  }
  return count;
}
