import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import {
  AggregationTemporality,
  ConsoleMetricExporter,
  InstrumentType,
  type MetricReader,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import type { MetricTallies } from '../core/metric-tallies';
import type { DiagnosticReporter, TelemetryStats } from './diagnostics';
import type { ResolvedMetricsExportOptions } from './metric-options';
import { MonitoredMetricExporter } from './monitored-metric-exporter';
import { OtlpMetricExporter } from './otlp/otlp-metric-exporter';

/** The metric readers of one SDK; every one of them collects the same tallies. */
export interface MetricPipeline {
  /** What `/metrics` collects from; absent when `prometheus` is not an exporter. */
  readonly pull: MetricReader | undefined;
  /** Every reader, the pull one included, for the MeterProvider. */
  readonly readers: MetricReader[];
}

/**
 * One reader per configured exporter. The per-request tallies are handed to each as a
 * producer (in the temporality that reader exports), so a scrape and a push see the
 * same `prs_*` series; OpenTelemetry's own instruments reach every reader through the
 * MeterProvider. A push that fails is counted and warned about, never thrown; each is
 * bounded by the export timeout, and at most two are in flight.
 */
export function createMetricPipeline(
  options: ResolvedMetricsExportOptions,
  tallies: MetricTallies,
  stats: TelemetryStats,
  reporter: DiagnosticReporter,
): MetricPipeline {
  let pull: MetricReader | undefined;
  const readers: MetricReader[] = [];
  for (const name of options.exporters) {
    if (name === 'prometheus') {
      // No scope labels and no target_info: the latter would publish the process command line.
      pull = new PrometheusExporter({
        preventServerStart: true,
        withoutScopeInfo: true,
        withoutTargetInfo: true,
        metricProducers: [tallies],
      });
      readers.push(pull);
      continue;
    }
    const [exporter, destination] =
      name === 'otlp'
        ? [otlpExporter(options), options.otlp.endpoint]
        : [new ConsoleMetricExporter(), 'the console'];
    const monitored = new MonitoredMetricExporter(
      exporter,
      destination,
      stats,
      reporter,
    );
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: monitored,
        exportIntervalMillis: options.exportIntervalMillis,
        exportTimeoutMillis: options.exportTimeoutMillis,
        metricProducers: [
          tallies.producer(
            // The tallies are synchronous counters and histograms.
            monitored.selectAggregationTemporality(InstrumentType.HISTOGRAM) ===
              AggregationTemporality.DELTA
              ? AggregationTemporality.DELTA
              : AggregationTemporality.CUMULATIVE,
          ),
        ],
      }),
    );
  }
  return { pull, readers };
}

function otlpExporter(
  options: ResolvedMetricsExportOptions,
): PushMetricExporter {
  const { endpoint, protocol, headers, temporality, timeoutMillis } =
    options.otlp;
  return new OtlpMetricExporter({
    url: endpoint,
    protocol,
    headers,
    // The HTTP request gives up before the reader's own deadline, so its failure is counted.
    timeoutMillis,
    concurrencyLimit: 2,
    temporalityPreference: temporality,
  });
}
