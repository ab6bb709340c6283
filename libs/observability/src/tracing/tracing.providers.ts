import { Logger, type Provider } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../core/package-info';
import type { RunningSdk } from '../sdk/running-sdk';
import { presetIds } from '../sdk/preset-ids';
import { OBSERVABILITY_SDK } from '../sdk/sdk.constants';
import { createSampler } from '../sdk/trace-pipeline';
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
              createSampler(traces),
              presetIds(),
              traces.incomingContext,
              new Logger('Observability'),
            ),
          )
        : null;
    },
    inject: [OBSERVABILITY_SDK],
  },
];
