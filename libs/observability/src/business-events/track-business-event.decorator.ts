import 'reflect-metadata';
import { getBusinessEventSink } from './business-event-sink';
import { BUSINESS_EVENT_METADATA } from './business-event.constants';
import { copyMethodMetadata } from './copy-method-metadata';
import { capAttributes } from './event-attributes';
import { EVENT_TYPE_RULE, isEventType } from './event-type';
import { invokeTracked, type TrackedDefinition } from './tracked-call';
import type { TrackBusinessEventOptions } from './track-business-event.options';

type AnyMethod = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Counts every call of the decorated method in
 * `prs_business_events_total{event_type, status}`: `success` when it returns, its
 * Promise resolves or its Observable completes; `failure` when it throws, rejects or
 * errors (see {@link TrackBusinessEventOptions.classify} to decide otherwise).
 *
 * Works on any method of any class: controllers, services, `@OnEvent()` listeners.
 * Transparent: the same value, Promise and error instance reach the caller; the
 * method keeps its name and Reflect metadata, in whichever order decorators are
 * written. A returned Observable is counted once per subscription at its terminal
 * event (not when the method returns): never subscribed or unsubscribed before it
 * ends means not counted, and each `retry()` resubscription counts on its own.
 * A Promise that never settles is never counted.
 *
 * The recorder is found at call time; without `ObservabilityModule` the method runs
 * exactly as undecorated. A failure inside telemetry is logged (rate-limited) and
 * never reaches the method or its caller.
 *
 * @param eventType a snake_case event type declared in `businessEvents.eventTypes`
 *   (checked at bootstrap for Nest providers and controllers).
 * @throws TypeError at class definition when `eventType` is malformed or the target is not a method.
 * @example
 * ```ts
 * @Post('login')
 * @TrackBusinessEvent('user_login', { classify: (o) => (o.ok && o.value === false ? 'failure' : undefined) })
 * login(@Body() dto: LoginDto): Promise<boolean> { ... }
 * ```
 */
export function TrackBusinessEvent(
  eventType: string,
  options: TrackBusinessEventOptions = {},
): MethodDecorator {
  if (!isEventType(eventType)) {
    throw new TypeError(
      `@TrackBusinessEvent(${JSON.stringify(eventType)}): the event type must be ${EVENT_TYPE_RULE}`,
    );
  }
  const { attributes } = options;
  const definition: TrackedDefinition = {
    eventType,
    classify: options.classify,
    attributes:
      typeof attributes === 'function' ? attributes : capAttributes(attributes),
    spanEvent: options.spanEvent ?? true,
  };

  return <T>(
    target: object,
    propertyKey: string | symbol,
    descriptor: TypedPropertyDescriptor<T>,
  ): TypedPropertyDescriptor<T> => {
    const original = descriptor.value;
    if (typeof original !== 'function') {
      throw new TypeError(
        `@TrackBusinessEvent(${JSON.stringify(eventType)}) decorates methods; ${describe(target, propertyKey)} is not one`,
      );
    }
    const method = original as AnyMethod;
    const wrapper = function (this: unknown, ...args: unknown[]): unknown {
      const sink = getBusinessEventSink();
      if (sink === undefined) return method.apply(this, args);
      return invokeTracked(definition, sink, this, method, args);
    };
    copyMethodMetadata(method, wrapper);
    const declared = Reflect.getOwnMetadata(
      BUSINESS_EVENT_METADATA,
      wrapper,
    ) as readonly string[] | undefined;
    Reflect.defineMetadata(
      BUSINESS_EVENT_METADATA,
      [...(declared ?? []), eventType],
      wrapper,
    );
    // Mutated in place as well as returned: `applyDecorators()` ignores return values.
    descriptor.value = wrapper as T;
    return descriptor;
  };
}

function describe(target: object, key: string | symbol): string {
  const owner =
    typeof target === 'function' ? target.name : target.constructor.name;
  return `${owner}.${String(key)}`;
}
