import {
  Inject,
  Injectable,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { propagateToFetch } from '../instrumentation/outbound-correlation';
import type { LogPipeline } from './log-pipeline';
import type { LoggingConfig } from './logging-options.interface';
import { LOG_PIPELINE, LOGGING_OPTIONS } from './logging.constants';

/**
 * Puts the correlation id on the app's outbound `fetch` calls as the module
 * initialises, and flushes the log destinations on shutdown. (Requests get their
 * context from the request-scope observer the module gives the HTTP server hook.)
 */
@Injectable()
export class LoggingService implements OnModuleInit, OnApplicationShutdown {
  private readonly undo: (() => void)[] = [];

  constructor(
    @Inject(LOGGING_OPTIONS) private readonly config: LoggingConfig,
    @Inject(LOG_PIPELINE) private readonly pipeline: LogPipeline,
  ) {}

  onModuleInit(): void {
    if (this.config.enabled) this.undo.push(propagateToFetch());
  }

  onApplicationShutdown(): void {
    for (const undo of this.undo.splice(0)) undo();
    this.pipeline.flushOnEveryWrite();
  }
}
