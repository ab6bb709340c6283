import { Injectable } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { BusinessEventRecorder } from './business-event-recorder';
import { PRS_EVENT_TYPES } from './business-event.constants';
import { capAttributes } from './event-attributes';
import type { BusinessEventAttributes } from './track-business-event.options';

/** What happened, for {@link BusinessEvents.track}. */
export interface BusinessEventReport {
  /** `true` records `status="success"`, `false` records `status="failure"`. */
  success: boolean;
  /** Extra span-event attributes (capped like the decorator's). */
  attributes?: BusinessEventAttributes;
  /** The error behind a failure, for the span event's `error.type`. */
  error?: unknown;
  /**
   * Add a `business_event` span event to the active span.
   * @default true
   */
  spanEvent?: boolean;
}

/**
 * Records business events where a decorator does not fit: the outcome is known in
 * the middle of a method, or one method produces several events. The typed helpers
 * mirror the PRS guide's `BusinessMetricsTracker`. Nothing here ever throws.
 *
 * @example
 * ```ts
 * constructor(private readonly events: BusinessEvents) {}
 * const ok = await this.passwords.verify(user, password);
 * this.events.trackUserLogin(ok);
 * ```
 */
@Injectable()
export class BusinessEvents {
  constructor(private readonly recorder: BusinessEventRecorder) {}

  /** Records one `eventType` event; an undeclared type is recorded as `__undeclared__`. */
  track(eventType: string, report: BusinessEventReport): void {
    try {
      const span =
        report.spanEvent === false ? undefined : trace.getActiveSpan();
      this.recorder.record({
        eventType,
        status: report.success ? 'success' : 'failure',
        error: report.error,
        attributes: span ? capAttributes(report.attributes) : undefined,
        span,
      });
    } catch (error) {
      this.recorder.reportFailure(`track:${eventType}`, error);
    }
  }

  /** `user_login` success or failure. */
  trackUserLogin(success = true): void {
    this.track(PRS_EVENT_TYPES.userLogin, { success });
  }

  /** `deal_creation` success or failure. */
  trackDealCreation(success = true): void {
    this.track(PRS_EVENT_TYPES.dealCreation, { success });
  }

  /** `payment_processing` success or failure. */
  trackPaymentProcessing(success = true): void {
    this.track(PRS_EVENT_TYPES.paymentProcessing, { success });
  }

  /** `commission_calculation` success or failure. */
  trackCommissionCalculation(success = true): void {
    this.track(PRS_EVENT_TYPES.commissionCalculation, { success });
  }
}
