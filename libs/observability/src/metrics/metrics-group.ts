import type { MetricReader } from '@opentelemetry/sdk-metrics';
import type { RateLimitedLogger } from '../core/rate-limited-logger';
import type { ActiveUsersShare } from './cluster-protocol';

/**
 * A worker's membership in a process group whose `/metrics` answers for every member
 * (docs/cluster.md): a Node cluster primary's workers, or PM2 cluster-mode peers.
 */
export interface MetricsGroupLink {
  /** The group's exposition, for this worker's `/metrics`. */
  scrape(openMetrics: boolean): Promise<Buffer>;
  /** Hands over this worker's final counts (graceful shutdown) and leaves the group. */
  stop(): Promise<void>;
}

/** What a group joiner gets from the metrics capability. */
export interface MetricsGroupMember {
  reader: MetricReader;
  log: RateLimitedLogger;
  /** The worker's mergeable distinct-user state. */
  share: () => ActiveUsersShare | undefined;
  /** `metrics.prefix`, to find the metrics merged by rule. */
  prefix: string;
}

/**
 * Joins the PM2 cluster-mode group when this process is one of its instances, else
 * `undefined`. The module passes the implementation (cluster/), which sits above metrics/.
 * Throws an ObservabilityConfigError for invalid group settings.
 */
export type JoinPeerGroup = (
  member: MetricsGroupMember,
) => MetricsGroupLink | undefined;

/** Injection token of the {@link JoinPeerGroup} implementation. */
export const PEER_METRICS_GROUP = 'OBSERVABILITY:PEER_METRICS_GROUP';
