import { Logger, type Provider } from '@nestjs/common';
import { RateLimitedLogger } from '../diagnostics/rate-limited-logger';
import { messages } from '../errors/messages';
import { PrsMetrics } from '../metrics/prs-metrics';
import { OBSERVABILITY_OPTIONS } from '../observability.constants';
import type { ResolvedObservabilityOptions } from '../options/resolved-options';
import { LogPipeline } from './log-pipeline';
import { LOG_PIPELINE } from './logging.constants';
import { LoggingService } from './logging.service';
import { ObservabilityLogger } from './observability-logger';
import { SecurityLogger } from './security-logger';

/** Providers of the logging capability, registered by ObservabilityModule. */
export const LOGGING_PROVIDERS: Provider[] = [
  {
    provide: LOG_PIPELINE,
    useFactory: (
      options: ResolvedObservabilityOptions,
      metrics: PrsMetrics,
    ) => {
      const log = new RateLimitedLogger(new Logger('Observability'));
      return new LogPipeline(
        options.logging,
        (destination, reason, lines, error) => {
          metrics.recordLogRecordsDropped(destination, reason, lines);
          log.warn(
            `log-drop:${destination}`,
            messages.logLinesDropped(destination, reason),
            error,
          );
        },
        (error) => log.warn('log-rotate', messages.logRotationFailed(), error),
        options.tracing.uiUrl,
      );
    },
    inject: [OBSERVABILITY_OPTIONS, PrsMetrics],
  },
  ObservabilityLogger,
  SecurityLogger,
  LoggingService,
];

/** What ObservabilityModule exports of the logging capability. */
export const LOGGING_EXPORTS = [ObservabilityLogger, SecurityLogger];
