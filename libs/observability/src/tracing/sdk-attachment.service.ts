import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { metrics } from '@opentelemetry/api';
import { messages } from '../errors/messages';
import { PrsMetrics } from '../metrics/prs-metrics';
import { OBSERVABILITY_SDK } from '../observability.constants';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../package-info';
import type { RunningSdk } from '../sdk/running-sdk';
import { findUninstrumentedModules } from './instrumentation-check';

/**
 * Connects the preloaded SDK to the app: its warnings go to the app's logger, the pg
 * and ioredis instrumentations' records flow into the `prs_*` metrics, its drop and
 * failure counters become self-metrics, and `app.close()` (SIGTERM with shutdown hooks)
 * flushes the last spans within a bounded deadline.
 */
@Injectable()
export class SdkAttachment implements OnApplicationShutdown {
  private readonly logger = new Logger('Observability');

  constructor(
    @Inject(OBSERVABILITY_SDK) private readonly sdk: RunningSdk,
    prsMetrics: PrsMetrics,
  ) {
    sdk.reporter.setSink((message) => this.logger.warn(message));
    const tracing = sdk.options.traces.exporter !== 'none';
    for (const module of findUninstrumentedModules(
      sdk.options.instrumentations,
      tracing,
    )) {
      this.logger.warn(messages.moduleLoadedTooEarly(module));
    }
    sdk.queries.attach((q) =>
      prsMetrics.recordDatabaseQuery(q.operation, q.table, q.seconds),
    );
    sdk.cacheCommands.attach((c) =>
      prsMetrics.recordCacheCommand(c.command, c.status, c.seconds),
    );
    if (sdk.metricReader === undefined) return;

    const meter = metrics.getMeter(PACKAGE_NAME, PACKAGE_VERSION);
    const { names } = prsMetrics;
    const stats = sdk.stats;
    meter
      .createObservableCounter(names.telemetrySpansDropped, {
        description:
          'Spans lost: export queue full, or part of a failed export',
      })
      .addCallback((result) => result.observe(stats.spansDropped));
    const failures = meter.createObservableCounter(
      names.telemetryExportFailures,
      {
        description: 'Failed telemetry export attempts, by signal',
      },
    );
    const traces = Object.freeze({ signal: 'traces' });
    failures.addCallback((result) =>
      result.observe(stats.spanExportFailures, traces),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.sdk.queries.detach();
    this.sdk.cacheCommands.detach();
    await this.sdk.shutdown();
  }
}
