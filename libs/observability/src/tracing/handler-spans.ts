import { Inject, Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { trace } from '@opentelemetry/api';
import { OBSERVABILITY_SDK } from '../sdk/sdk.constants';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../core/package-info';
import type { RunningSdk } from '../sdk/running-sdk';
import { wrapRouteHandlers } from '../http/route-handlers';
import { SPANNED, wrapHandler } from './handler-span.wrapper';
import { spanPipelineOf } from './span-pipeline';

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
    const tracing =
      !sdk.options.disabled && sdk.options.traces.exporter !== 'none';
    const tracer = trace.getTracer(PACKAGE_NAME, PACKAGE_VERSION);
    const pipeline = spanPipelineOf(tracer);
    this.wrapped = tracing
      ? wrapRouteHandlers(discovery, SPANNED, (controller, method, original) =>
          wrapHandler(
            tracer,
            pipeline,
            controller,
            method,
            original,
            sdk.options.traces.sampler.parentBased,
          ),
        )
      : 0;
  }
}
