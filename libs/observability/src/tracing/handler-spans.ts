import { Inject, Injectable } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService } from '@nestjs/core';
import { trace } from '@opentelemetry/api';
import { OBSERVABILITY_SDK } from '../sdk/sdk.constants';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../core/package-info';
import type { RunningSdk } from '../sdk/running-sdk';
import { isWrappedHandler, wrapHandler } from './handler-span.wrapper';

/**
 * Gives every controller route handler its own span (`DealsController.findOne`)
 * between the HTTP server span and the database and cache spans, on Nest 11 and 12
 * alike (the contrib Nest instrumentation produces nothing on 12).
 *
 * It wraps the controllers' prototype methods while the module is being instantiated,
 * which is before Nest registers routes and captures the handlers. Nothing is wrapped
 * when tracing is off.
 */
@Injectable()
export class HandlerSpans {
  /** How many handlers got a span. */
  readonly wrapped: number;

  constructor(
    discovery: DiscoveryService,
    @Inject(OBSERVABILITY_SDK) sdk: RunningSdk,
  ) {
    let count = 0;
    if (!sdk.options.disabled && sdk.options.traces.exporter !== 'none') {
      const tracer = trace.getTracer(PACKAGE_NAME, PACKAGE_VERSION);
      for (const wrapper of discovery.getControllers()) {
        const metatype = wrapper.metatype as
          (new (...args: never[]) => unknown) | undefined;
        const prototype = metatype?.prototype as
          Record<string, unknown> | undefined;
        if (!metatype || !prototype) continue;
        for (const method of Object.getOwnPropertyNames(prototype)) {
          if (method === 'constructor') continue;
          const descriptor = Object.getOwnPropertyDescriptor(prototype, method);
          const handler = descriptor?.value as
            ((...args: unknown[]) => unknown) | undefined;
          if (typeof handler !== 'function' || isWrappedHandler(handler))
            continue;
          if (Reflect.getMetadata(PATH_METADATA, handler) === undefined)
            continue;
          if (Reflect.getMetadata(METHOD_METADATA, handler) === undefined)
            continue;
          prototype[method] = wrapHandler(
            tracer,
            metatype.name,
            method,
            handler,
          );
          count++;
        }
      }
    }
    this.wrapped = count;
  }
}
