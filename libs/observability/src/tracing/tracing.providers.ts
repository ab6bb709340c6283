import type { Provider } from '@nestjs/common';
import { RuntimeMetrics } from '../metrics/runtime-metrics';
import { HandlerSpans } from './handler-spans';
import { SdkAttachment } from './sdk-attachment.service';

/** Providers of tracing and of the SDK's own metrics, registered by ObservabilityModule. */
export const TRACING_PROVIDERS: Provider[] = [
  HandlerSpans,
  SdkAttachment,
  RuntimeMetrics,
];
