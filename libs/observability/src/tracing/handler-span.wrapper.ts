import { HttpException } from '@nestjs/common';
import {
  context,
  isSpanContextValid,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Tracer,
} from '@opentelemetry/api';
import { finalize, isObservable, tap } from 'rxjs';

import type { RouteHandler } from '../http/route-handlers';
import { LeanSpan } from './lean-span';
import type { SpanPipeline } from './span-pipeline.types';
import { startLeanSpan } from './span-pipeline';

/** Marks (and holds the original of) a handler wrapped in a span. */
export const SPANNED = Symbol.for('@prs/nestjs-observability:original-handler');

/**
 * Wraps a controller method in an active span named `Controller.method`, so the
 * queries and commands it runs become its children. The wrapper returns the same value
 * (a promise or observable is followed to its end) and rethrows the same error. 4xx
 * `HttpException`s are outcomes, not span errors. (`wrapRouteHandlers` keeps the
 * method's name and metadata.) With the SDK's tracer (`pipeline`) the span is a
 * {@link LeanSpan}; with any other, the tracer starts it.
 *
 * With a ParentBased sampler (`followsParent`), a handler called inside a span that
 * is not sampled (an unsampled request) runs as it is: ParentBased would give its span
 * and every child of it the same verdict, so none of them could be recorded.
 */
export function wrapHandler(
  tracer: Tracer,
  pipeline: SpanPipeline | undefined,
  controller: string,
  method: string,
  original: RouteHandler,
  followsParent: boolean,
): RouteHandler {
  const name = `${controller}.${method}`;
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    const active = context.active();
    if (followsParent) {
      const parent = trace.getSpanContext(active);
      if (
        parent !== undefined &&
        isSpanContextValid(parent) &&
        (parent.traceFlags & TraceFlags.SAMPLED) === 0
      )
        return original.apply(this, args);
    }
    const span =
      pipeline !== undefined
        ? startLeanSpan(pipeline, name, SpanKind.INTERNAL, active)
        : tracer.startSpan(name, undefined, active);
    // The span name already says `Controller.method`; one attribute carries it for search.
    if (span instanceof LeanSpan) span.setOwnAttribute(FUNCTION, name);
    else span.setAttribute(FUNCTION, name);
    return context.with(
      trace.setSpan(active, span),
      runTraced,
      undefined,
      span,
      original,
      this,
      args,
    );
  };
  return wrapped;
}

const FUNCTION = 'code.function.name';

/** Runs the handler inside its span and ends the span when the handler's work ends. */
function runTraced(
  span: Span,
  original: RouteHandler,
  thisArg: unknown,
  args: unknown[],
): unknown {
  let result: unknown;
  try {
    result = original.apply(thisArg, args);
  } catch (error) {
    fail(span, error);
    span.end();
    throw error;
  }
  if (isObservable(result)) {
    return result.pipe(
      tap({ error: (error: unknown) => fail(span, error) }),
      finalize(() => span.end()),
    );
  }
  if (isPromiseLike(result)) {
    return result.then(
      (value) => {
        span.end();
        return value;
      },
      (error: unknown) => {
        fail(span, error);
        span.end();
        throw error;
      },
    );
  }
  span.end();
  return result;
}

function fail(span: Span, error: unknown): void {
  if (error instanceof HttpException && error.getStatus() < 500) {
    span.setAttribute('nestjs.exception.status', error.getStatus());
    return;
  }
  if (error instanceof Error) span.recordException(error);
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
}

function isPromiseLike(value: unknown): value is Promise<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
