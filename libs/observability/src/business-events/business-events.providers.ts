import type { Provider } from '@nestjs/common';
import { BusinessEventRecorder } from './business-event-recorder';
import { BusinessEvents } from './business-events.service';

/** @internal What `ObservabilityModule` provides for business events. */
export const BUSINESS_EVENTS_PROVIDERS: Provider[] = [
  BusinessEventRecorder,
  BusinessEvents,
];

/** @internal What `ObservabilityModule` exports for business events. */
export const BUSINESS_EVENTS_EXPORTS = [BusinessEvents];
