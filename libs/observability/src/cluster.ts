/**
 * `@prs/nestjs-observability/cluster`: what a Node cluster primary imports to serve one
 * `/metrics` for its workers (docs/cluster.md). It loads neither the SDK nor Nest apps.
 *
 * Everything exported here is public API, recorded in `libs/observability/api/`.
 */
export {
  startClusterMetrics,
  type ClusterMetrics,
} from './cluster/cluster-metrics';
export type { ClusterMetricsOptions } from './cluster/cluster-options';
export type { MetricsAuthOptions } from './metrics/metrics-options.interface';
export type { ExpositionFormat } from './metrics/exposition-format';
export {
  ObservabilityConfigError,
  type ConfigProblem,
} from './core/observability-config.error';
