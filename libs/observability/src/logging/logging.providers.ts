import { Logger, type Provider } from '@nestjs/common';
import { messages } from '../core/messages';
import { PathMatcher } from '../core/path-matcher';
import { RateLimitedLogger } from '../core/rate-limited-logger';
import { LogMetrics } from '../metrics/instruments/log-metrics';
import { LogPipeline } from './log-pipeline';
import type { LoggingConfig } from './logging-options.interface';
import {
  LOG_PIPELINE,
  LOGGING_OPTIONS,
  REQUEST_SCOPE_OBSERVER,
} from './logging.constants';
import { LoggingService } from './logging.service';
import { ObservabilityLogger } from './observability-logger';
import { RequestHandlers } from './request-handlers';
import { RequestLog } from './request-log';
import { RequestScope } from './request-scope';
import { SecurityLogger } from './security-logger';
import { CapturedStdoutTarget } from './sink-targets';
import type { RunningSdk } from '../sdk/running-sdk';
import { OBSERVABILITY_SDK } from '../sdk/sdk.constants';

/** Providers of the logging capability, registered by ObservabilityModule. */
export const LOGGING_PROVIDERS: Provider[] = [
  {
    provide: LOG_PIPELINE,
    useFactory: (
      config: LoggingConfig,
      metrics: LogMetrics,
      sdk: RunningSdk,
    ) => {
      const log = new RateLimitedLogger(new Logger('Observability'));
      return new LogPipeline(
        config,
        (destination, reason, lines, error) => {
          metrics.recordDropped(destination, reason, lines);
          log.warn(
            `log-drop:${destination}`,
            messages.logLinesDropped(destination, reason),
            error,
          );
        },
        (error) => log.warn('log-rotate', messages.logRotationFailed(), error),
        config.traceUiUrl,
        sdk.stdout ? new CapturedStdoutTarget(sdk.stdout) : undefined,
      );
    },
    inject: [LOGGING_OPTIONS, LogMetrics, OBSERVABILITY_SDK],
  },
  {
    // Correlation ids, request context and the request log, for every request.
    provide: REQUEST_SCOPE_OBSERVER,
    useFactory: (
      config: LoggingConfig,
      pipeline: LogPipeline,
    ): RequestScope | null => {
      if (!config.enabled) return null;
      const log = new RateLimitedLogger(new Logger('Observability'));
      return new RequestScope(
        config,
        new RequestLog(pipeline, config.userId, log),
        new PathMatcher(config.notLogged),
        log,
      );
    },
    inject: [LOGGING_OPTIONS, LOG_PIPELINE],
  },
  RequestHandlers,
  ObservabilityLogger,
  SecurityLogger,
  LoggingService,
];

/** What ObservabilityModule exports of the logging capability. */
export const LOGGING_EXPORTS = [ObservabilityLogger, SecurityLogger];
