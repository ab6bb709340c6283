import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { metrics } from '@opentelemetry/api';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../core/package-info';
import type { RunningSdk } from '../sdk/running-sdk';
import { OBSERVABILITY_SDK } from '../sdk/sdk.constants';
import type { MetricsConfig } from './metrics-options.interface';
import { METRICS_OPTIONS } from './metrics.constants';

/** Event-loop delay is summarised per window of this length. */
const LOOP_DELAY_WINDOW_MS = 10_000;

/**
 * Process and Node.js runtime metrics under the names Prometheus users know from
 * prom-client (`process_cpu_seconds_total`, `process_resident_memory_bytes`, ...), read
 * only when scraped, so they cost nothing between scrapes. Unprefixed on purpose: the
 * runtime dashboard works for any service.
 */
@Injectable()
export class RuntimeMetrics implements OnApplicationShutdown {
  private readonly loopDelay: IntervalHistogram | undefined;
  private rotation: NodeJS.Timeout | undefined;

  constructor(
    @Inject(METRICS_OPTIONS) options: MetricsConfig,
    @Inject(OBSERVABILITY_SDK) sdk: RunningSdk,
  ) {
    if (!options.enabled || !sdk.metricsEnabled) return;
    const meter = metrics.getMeter(PACKAGE_NAME, PACKAGE_VERSION);
    const loopDelay = (this.loopDelay = monitorEventLoopDelay({
      resolution: 20,
    }));
    loopDelay.enable();

    meter
      .createObservableCounter('process_cpu_seconds_total', {
        description:
          'User and system CPU time spent by the process, in seconds',
      })
      .addCallback((result) => {
        const { user, system } = process.cpuUsage();
        result.observe((user + system) / 1e6);
      });
    meter
      .createObservableGauge('process_resident_memory_bytes', {
        description: 'Resident set size in bytes',
      })
      .addCallback((result) => result.observe(process.memoryUsage.rss()));
    meter
      .createObservableGauge('nodejs_heap_used_bytes', {
        description: 'V8 heap used, in bytes',
      })
      .addCallback((result) => result.observe(process.memoryUsage().heapUsed));
    // Windows on a timer, not reset by a collection: with two readers (a scrape and an
    // OTLP push) a reset by one would shorten the other's window.
    let previousWindowP99 = 0;
    const rotation = (this.rotation = setInterval(() => {
      previousWindowP99 = loopDelay.percentile(99);
      loopDelay.reset();
    }, LOOP_DELAY_WINDOW_MS));
    rotation.unref();
    meter
      .createObservableGauge('nodejs_eventloop_delay_p99_seconds', {
        description:
          '99th percentile event loop delay over the last 10 to 20 seconds (the worse of the last full window and the current one), in seconds',
      })
      .addCallback((result) =>
        result.observe(
          Math.max(previousWindowP99, loopDelay.percentile(99)) / 1e9,
        ),
      );
    meter
      .createObservableGauge('process_start_time_seconds', {
        description:
          'Start time of the process since the Unix epoch, in seconds',
      })
      .addCallback((result) =>
        result.observe(Math.round(Date.now() / 1000 - process.uptime())),
      );
  }

  onApplicationShutdown(): void {
    clearInterval(this.rotation);
    this.loopDelay?.disable();
  }
}
