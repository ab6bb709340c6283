/**
 * `event_type` recorded for an event type that `businessEvents.eventTypes` does not
 * declare, so a typo or a dynamic value can never create unbounded series.
 */
export const UNDECLARED_EVENT_TYPE = '__undeclared__';

/** The event types of the PRS monitoring guide's `BusinessMetricsTracker`. */
export const PRS_EVENT_TYPES = {
  userLogin: 'user_login',
  dealCreation: 'deal_creation',
  paymentProcessing: 'payment_processing',
  commissionCalculation: 'commission_calculation',
} as const;

/** Metadata key holding the event type on a method decorated with `@TrackBusinessEvent()`. */
export const BUSINESS_EVENT_METADATA = 'OBSERVABILITY:BUSINESS_EVENT';

/** Name of the span event added to the active span for each tracked event. */
export const BUSINESS_EVENT_SPAN_EVENT = 'business_event';

/** Event types must be snake_case: they are label values dashboards and alerts match on. */
export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9_]*$/;

/** Longest event type accepted. */
export const MAX_EVENT_TYPE_LENGTH = 64;

/** Most event types `businessEvents.eventTypes` may declare (each one costs two series). */
export const MAX_EVENT_TYPES = 100;

/** Most extra attributes one span event carries; further ones are dropped. */
export const MAX_EVENT_ATTRIBUTES = 8;

/** Longest string attribute value on a span event; longer ones are truncated. */
export const MAX_ATTRIBUTE_VALUE_LENGTH = 128;

/** Injection token of the business events options slice. */
export const BUSINESS_EVENTS_OPTIONS = 'OBSERVABILITY:BUSINESS_EVENTS_OPTIONS';
