import type { Provider } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../core/package-info';
import type { RunningSdk } from '../sdk/running-sdk';
import { OBSERVABILITY_SDK } from '../sdk/sdk.constants';
import { HandlerSpans } from './handler-spans';
import { ServerSpanObserver } from './server-span.observer';
import { ServerSpans } from './server-spans';
import { SERVER_SPAN_OBSERVER } from './tracing.constants';

/** Providers of tracing, registered by ObservabilityModule. */
export const TRACING_PROVIDERS: Provider[] = [
  HandlerSpans,
  {
    provide: SERVER_SPAN_OBSERVER,
    useFactory: (sdk: RunningSdk): ServerSpanObserver | null => {
      const { traces, instrumentations } = sdk.options;
      const traced =
        !sdk.options.disabled &&
        traces.exporter !== 'none' &&
        instrumentations.http;
      return traced
        ? new ServerSpanObserver(
            new ServerSpans(
              trace.getTracer(PACKAGE_NAME, PACKAGE_VERSION),
              traces.incomingContext,
            ),
          )
        : null;
    },
    inject: [OBSERVABILITY_SDK],
  },
];
