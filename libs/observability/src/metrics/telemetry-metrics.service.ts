import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { RunningSdk } from '../sdk/running-sdk';
import { OBSERVABILITY_SDK } from '../sdk/sdk.constants';
import { DependencyMetrics } from './instruments/dependency-metrics';
import { MetricBudget } from './instruments/metric-budget';

/**
 * Turns what the preloaded SDK saw into metrics: the pg and ioredis instrumentations'
 * records into the `prs_database_*` and `prs_cache_*` instruments, and its drop and
 * failure counters into `prs_telemetry_*` self-metrics.
 */
@Injectable()
export class TelemetryMetrics implements OnApplicationShutdown {
  constructor(
    @Inject(OBSERVABILITY_SDK) private readonly sdk: RunningSdk,
    dependencies: DependencyMetrics,
    budget: MetricBudget,
  ) {
    sdk.queries.attach((q) =>
      dependencies.recordQuery(q.operation, q.table, q.seconds, q.span),
    );
    sdk.cacheCommands.attach((c) =>
      dependencies.recordCacheCommand(c.command, c.status, c.seconds),
    );
    if (!sdk.metricsEnabled) return;

    const { meter, names } = budget;
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
    const pushedMetrics = Object.freeze({ signal: 'metrics' });
    const activeUsers = Object.freeze({ signal: 'active_users' });
    failures.addCallback((result) => {
      result.observe(stats.spanExportFailures, traces);
      result.observe(stats.metricExportFailures, pushedMetrics);
      // Written only with activeUsers.redis: reported once one failed.
      if (stats.activeUsersWriteFailures > 0)
        result.observe(stats.activeUsersWriteFailures, activeUsers);
    });
  }

  onApplicationShutdown(): void {
    this.sdk.queries.detach();
    this.sdk.cacheCommands.detach();
  }
}
