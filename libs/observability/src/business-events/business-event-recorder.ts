import {
  Inject,
  Injectable,
  type OnModuleDestroy,
  type OnModuleInit,
  Optional,
} from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';
import { messages } from '../core/messages';
import { ObservabilityConfigError } from '../core/observability-config.error';
import { BusinessEventMetrics } from '../metrics/instruments/business-event-metrics';
import type { RunningSdk } from '../sdk/running-sdk';
import { OBSERVABILITY_SDK } from '../sdk/sdk.constants';
import {
  clearBusinessEventSink,
  setBusinessEventSink,
  type BusinessEventRecord,
  type BusinessEventSink,
} from './business-event-sink';
import {
  BUSINESS_EVENTS_OPTIONS,
  BUSINESS_EVENT_SPAN_EVENT,
  UNDECLARED_EVENT_TYPE,
} from './business-event.constants';
import type { ResolvedBusinessEventsOptions } from './business-events-options.interface';
import { EventWarnings } from './event-warnings';
import { findUndeclaredEventTypes } from './undeclared-event-types';

/**
 * Records business events into `prs_business_events_total` and span events. It is the
 * sink `@TrackBusinessEvent()` finds at call time: installed as soon as the module is
 * instantiated (before any lifecycle hook can call a decorated method) and removed
 * when the app closes. One app per process records; the latest one started wins.
 * With the SDK disabled no sink is installed, so decorated methods run as undecorated.
 */
@Injectable()
export class BusinessEventRecorder
  implements BusinessEventSink, OnModuleInit, OnModuleDestroy
{
  private readonly declared: ReadonlySet<string>;
  private readonly log = new EventWarnings();

  constructor(
    private readonly metrics: BusinessEventMetrics,
    @Inject(BUSINESS_EVENTS_OPTIONS) options: ResolvedBusinessEventsOptions,
    private readonly modules: ModulesContainer,
    @Optional() @Inject(OBSERVABILITY_SDK) sdk?: RunningSdk,
  ) {
    this.declared = new Set(options.eventTypes);
    if (sdk?.options.disabled !== true) setBusinessEventSink(this);
  }

  /** Fails the bootstrap when a decorated provider or controller method uses an undeclared event type. */
  onModuleInit(): void {
    const problems = findUndeclaredEventTypes(this.modules, this.declared);
    if (problems.length > 0) {
      clearBusinessEventSink(this); // a failed bootstrap must not leave a sink behind
      throw new ObservabilityConfigError(
        'ObservabilityModule options',
        problems,
      );
    }
  }

  onModuleDestroy(): void {
    clearBusinessEventSink(this);
  }

  /** Counts one event and adds its span event; never throws. */
  record(event: BusinessEventRecord): void {
    const eventType = this.declared.has(event.eventType)
      ? event.eventType
      : this.undeclared(event.eventType);
    try {
      this.metrics.record(eventType, event.status);
    } catch (error) {
      this.reportFailure(`metric:${eventType}`, error);
    }
    if (event.span === undefined) return;
    try {
      event.span.addEvent(BUSINESS_EVENT_SPAN_EVENT, {
        ...event.attributes,
        'business_event.type': eventType,
        'business_event.status': event.status,
        ...(event.status === 'failure'
          ? { [ATTR_ERROR_TYPE]: errorType(event.error) }
          : {}),
      });
    } catch (error) {
      this.reportFailure(`span-event:${eventType}`, error);
    }
  }

  /** Logs a telemetry failure at most once a minute per cause; never throws. */
  reportFailure(cause: string, error: unknown): void {
    try {
      this.log.warn(
        `business-events:${cause}`,
        messages.businessEventTelemetryFailed(cause),
        error,
      );
    } catch {
      // Logging itself failed; the business call must still not notice.
    }
  }

  private undeclared(eventType: string): string {
    try {
      this.log.warn(
        `business-events:undeclared:${eventType}`,
        messages.undeclaredBusinessEventType(eventType, UNDECLARED_EVENT_TYPE, [
          ...this.declared,
        ]),
      );
    } catch {
      // As above.
    }
    return UNDECLARED_EVENT_TYPE;
  }
}

function errorType(error: unknown): string {
  if (error instanceof Error) return error.constructor.name || error.name;
  return '_OTHER';
}
