import type { Attributes, Span } from '@opentelemetry/api';
import type { BusinessEventStatus } from './track-business-event.options';

/** One business event, as handed to the sink. */
export interface BusinessEventRecord {
  readonly eventType: string;
  readonly status: BusinessEventStatus;
  /** The error of a failed call, for the span event's `error.type`. */
  readonly error?: unknown;
  /** Capped attributes for the span event. */
  readonly attributes?: Attributes;
  /** The span to add the span event to; none when span events are off. */
  readonly span?: Span;
}

/**
 * Where `@TrackBusinessEvent()` sends events. The module installs one as it starts;
 * decorated methods look it up at call time, as they are decorated long before any
 * module exists. Neither method ever throws.
 */
export interface BusinessEventSink {
  record(event: BusinessEventRecord): void;
  /** Reports a failure inside telemetry (a throwing `classify`, ...), rate-limited. */
  reportFailure(cause: string, error: unknown): void;
}

// On `globalThis` under a registered symbol, like `@opentelemetry/api`'s globals and
// `sdk/running-sdk.ts`: a package loaded twice (preload and app) still shares it.
const SINK = Symbol.for('@prs/nestjs-observability:business-event-sink');

type GlobalWithSink = typeof globalThis & { [SINK]?: BusinessEventSink };

/** The sink of the running module, if any. */
export function getBusinessEventSink(): BusinessEventSink | undefined {
  return (globalThis as GlobalWithSink)[SINK];
}

/** @internal Installs `sink`; `undefined` removes the current one. */
export function setBusinessEventSink(
  sink: BusinessEventSink | undefined,
): void {
  (globalThis as GlobalWithSink)[SINK] = sink;
}

/** @internal Removes `sink` if it is still the installed one. */
export function clearBusinessEventSink(sink: BusinessEventSink): void {
  if (getBusinessEventSink() === sink) setBusinessEventSink(undefined);
}
