import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { messages } from './core/messages';
import { findUninstrumentedModules } from './instrumentation/instrumentation-check';
import { MetricsService } from './metrics/metrics.service';
import type { RunningSdk } from './sdk/running-sdk';
import { OBSERVABILITY_SDK } from './sdk/sdk.constants';

/**
 * Connects the preloaded SDK to the app: its warnings go to the app's logger, libraries
 * loaded before the SDK (and so never patched) are named, and `app.close()` (SIGTERM
 * with shutdown hooks) flushes the last spans within a bounded deadline (a cluster
 * worker first hands the primary its final counts).
 */
@Injectable()
export class SdkAttachment implements OnApplicationShutdown {
  private readonly logger = new Logger('Observability');

  constructor(
    @Inject(OBSERVABILITY_SDK) private readonly sdk: RunningSdk,
    private readonly metrics: MetricsService,
  ) {
    sdk.reporter.setSink((message, level) =>
      level === 'log' ? this.logger.log(message) : this.logger.warn(message),
    );
    const tracing = sdk.options.traces.exporter !== 'none';
    for (const module of findUninstrumentedModules(
      sdk.options.instrumentations,
      tracing,
    )) {
      this.logger.warn(messages.moduleLoadedTooEarly(module));
    }
  }

  async onApplicationShutdown(): Promise<void> {
    // Before the readers stop: a cluster worker's final snapshot needs one more collection.
    await this.metrics.leaveCluster();
    await this.sdk.shutdown();
  }
}
