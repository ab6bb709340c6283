import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { messages } from './core/messages';
import { findUninstrumentedModules } from './instrumentation/instrumentation-check';
import type { RunningSdk } from './sdk/running-sdk';
import { OBSERVABILITY_SDK } from './sdk/sdk.constants';

/**
 * Connects the preloaded SDK to the app: its warnings go to the app's logger, libraries
 * loaded before the SDK (and so never patched) are named, and `app.close()` (SIGTERM
 * with shutdown hooks) flushes the last spans within a bounded deadline.
 */
@Injectable()
export class SdkAttachment implements OnApplicationShutdown {
  private readonly logger = new Logger('Observability');

  constructor(@Inject(OBSERVABILITY_SDK) private readonly sdk: RunningSdk) {
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
    await this.sdk.shutdown();
  }
}
