import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { RateLimitedLogger } from '../diagnostics/rate-limited-logger';
import { HttpServerHook } from '../http/http-server-hook';
import { PathMatcher } from '../http/path-matcher';
import { OBSERVABILITY_OPTIONS } from '../observability.constants';
import type { ResolvedObservabilityOptions } from '../options/resolved-options';
import type { LogPipeline } from './log-pipeline';
import { LOG_PIPELINE } from './logging.constants';
import { propagateToFetch } from './outbound-correlation';
import { RequestLog } from './request-log';
import { RequestScope } from './request-scope';

/**
 * Wires correlation ids, request context and the request log into the app's HTTP
 * server as the module initialises, and flushes the log destinations on shutdown.
 */
@Injectable()
export class LoggingService implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new RateLimitedLogger(new Logger('Observability'));
  private readonly undo: (() => void)[] = [];

  constructor(
    @Inject(OBSERVABILITY_OPTIONS)
    private readonly options: ResolvedObservabilityOptions,
    @Inject(LOG_PIPELINE) private readonly pipeline: LogPipeline,
    private readonly hook: HttpServerHook,
  ) {}

  onModuleInit(): void {
    const { logging, http } = this.options;
    if (!logging.enabled) return;
    this.undo.push(propagateToFetch());
    const requestLog = new RequestLog(this.pipeline, logging.userId, this.log);
    this.hook.scopeRequests(
      new RequestScope(
        logging,
        requestLog,
        new PathMatcher(http.excludePaths),
        this.log,
      ),
    );
  }

  onApplicationShutdown(): void {
    for (const undo of this.undo.splice(0)) undo();
    this.pipeline.flushOnEveryWrite();
  }
}
