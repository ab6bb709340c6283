import { types } from 'node:util';
import { trace, type Attributes, type Span } from '@opentelemetry/api';
import { defer, isObservable, tap, type Observable } from 'rxjs';
import type { BusinessEventSink } from './business-event-sink';
import { capAttributes } from './event-attributes';
import type {
  BusinessEventAttributes,
  BusinessEventOutcome,
  BusinessEventStatus,
  TrackBusinessEventOptions,
} from './track-business-event.options';

/** What one `@TrackBusinessEvent()` site records, prepared at decoration time. */
export interface TrackedDefinition {
  readonly eventType: string;
  readonly classify: TrackBusinessEventOptions['classify'];
  readonly attributes:
    | Attributes
    | ((args: readonly unknown[]) => BusinessEventAttributes)
    | undefined;
  readonly spanEvent: boolean;
}

type AnyMethod = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Calls `method` and records one event when it ends: at return or throw, when a native
 * Promise settles, or when each subscription to a returned Observable completes or
 * errors. The caller gets exactly what `method` returned or threw: the same Promise
 * instance, the same error instance. Observables are the exception: the caller gets
 * an equivalent Observable that records on each subscription's terminal event.
 */
export function invokeTracked(
  definition: TrackedDefinition,
  sink: BusinessEventSink,
  thisArg: unknown,
  method: AnyMethod,
  args: unknown[],
): unknown {
  const span = definition.spanEvent ? activeSpan() : undefined;
  const end = (outcome: BusinessEventOutcome) =>
    settle(definition, sink, outcome, args, span);
  let result: unknown;
  try {
    result = method.apply(thisArg, args);
  } catch (error) {
    end({ ok: false, error });
    throw error;
  }
  // Only native promises: a foreign thenable (a query builder) may run again per `then`.
  if (types.isPromise(result)) {
    // A side branch, so the caller keeps the very same Promise; `end` never throws.
    void result.then(
      (value) => end({ ok: true, value }),
      (error: unknown) => end({ ok: false, error }),
    );
    return result;
  }
  if (isObservable(result)) {
    return recordEachSubscription(
      result,
      end,
      definition.classify !== undefined,
    );
  }
  end({ ok: true, value: result });
  return result;
}

function recordEachSubscription(
  source: Observable<unknown>,
  end: (outcome: BusinessEventOutcome) => void,
  keepLast: boolean,
): Observable<unknown> {
  return defer(() => {
    let last: unknown;
    return source.pipe(
      tap({
        next: keepLast ? (value) => (last = value) : undefined,
        error: (error: unknown) => end({ ok: false, error }),
        complete: () => end({ ok: true, value: last }),
      }),
    );
  });
}

function settle(
  definition: TrackedDefinition,
  sink: BusinessEventSink,
  outcome: BusinessEventOutcome,
  args: readonly unknown[],
  span: Span | undefined,
): void {
  try {
    sink.record({
      eventType: definition.eventType,
      status: statusOf(definition, sink, outcome, args),
      error: outcome.ok ? undefined : outcome.error,
      attributes: span ? attributesOf(definition, sink, args) : undefined,
      span,
    });
  } catch (error) {
    report(sink, `record:${definition.eventType}`, error);
  }
}

function statusOf(
  definition: TrackedDefinition,
  sink: BusinessEventSink,
  outcome: BusinessEventOutcome,
  args: readonly unknown[],
): BusinessEventStatus {
  const fallback: BusinessEventStatus = outcome.ok ? 'success' : 'failure';
  if (definition.classify === undefined) return fallback;
  try {
    const status = definition.classify(outcome, args);
    if (status === 'success' || status === 'failure') return status;
    if (status !== undefined) {
      throw new TypeError(
        `classify returned ${JSON.stringify(status)}; expected 'success', 'failure' or undefined`,
      );
    }
  } catch (error) {
    report(sink, `classify:${definition.eventType}`, error);
  }
  return fallback;
}

function attributesOf(
  definition: TrackedDefinition,
  sink: BusinessEventSink,
  args: readonly unknown[],
): Attributes | undefined {
  const { attributes } = definition;
  if (typeof attributes !== 'function') return attributes;
  try {
    return capAttributes(attributes(args));
  } catch (error) {
    report(sink, `attributes:${definition.eventType}`, error);
    return undefined;
  }
}

function activeSpan(): Span | undefined {
  try {
    return trace.getActiveSpan();
  } catch {
    return undefined;
  }
}

function report(sink: BusinessEventSink, cause: string, error: unknown): void {
  try {
    sink.reportFailure(cause, error);
  } catch {
    // The sink's own reporting failed; nothing safer is left to do.
  }
}
