import cluster, { type Worker } from 'node:cluster';
import type { Server } from 'node:http';
import { Logger } from '@nestjs/common';
import { PathMatcher } from '../core/path-matcher';
import { RateLimitedLogger } from '../core/rate-limited-logger';
import {
  CLUSTER_ENV,
  type ClusterSettings,
  type PrimaryMessage,
} from '../metrics/cluster-protocol';
import type { ExpositionFormat } from '../metrics/exposition-format';
import { MetricsEndpoint } from '../metrics/metrics-endpoint';
import type { MetricsAuthOptions } from '../metrics/metrics-options.interface';
import { boundPort, startMetricsServer } from '../metrics/metrics-server';
import {
  type ClusterMetricsOptions,
  resolveClusterMetricsOptions,
} from './cluster-options';
import { clusterStatusMetrics } from './cluster-status';
import { writeGroupExposition } from './group-exposition';
import { mergeGroup } from './snapshot-merge';
import { WorkerRegistry } from './worker-registry';

/** The running group `/metrics` of a cluster primary. */
export interface ClusterMetrics {
  /** The port the primary serves `/metrics` on (resolves `port: 0`); `undefined` without one. */
  readonly port: number | undefined;
  /** Collects from every worker (bounded by `collectTimeoutMs`) and writes the group's exposition. */
  render(format?: ExpositionFormat): Promise<string>;
  /** Stops serving and listening to the workers. */
  close(): Promise<void>;
}

/**
 * Serves one truthful `/metrics` for a Node cluster (docs/cluster.md). Call it in the
 * primary **before forking** the workers (they learn the settings from the environment
 * they inherit). Each scrape asks every worker for its cumulative snapshot, waits at most
 * `collectTimeoutMs`, and merges: counters and histograms summed (what exited workers
 * had counted is kept, so they never go backwards), gauges by rule, active users merged
 * from the workers' id sets or sketches. Workers' app-port `/metrics` forward here.
 *
 * @throws ObservabilityConfigError when an option is invalid (every problem listed);
 *   an Error outside a cluster primary or when the port cannot be bound.
 */
export async function startClusterMetrics(
  options: ClusterMetricsOptions = {},
): Promise<ClusterMetrics> {
  const o = resolveClusterMetricsOptions(options);
  if (!cluster.isPrimary)
    throw new Error(
      'startClusterMetrics() runs in the cluster primary, before it forks',
    );
  const settings: ClusterSettings = {
    collectTimeoutMs: o.collectTimeoutMs,
    pushIntervalMs: o.pushIntervalMs,
  };
  process.env[CLUSTER_ENV] = JSON.stringify(settings);
  const log = new RateLimitedLogger(new Logger('Observability'));
  const render = async (format: ExpositionFormat = 'text'): Promise<string> => {
    await registry.collect();
    const merged = mergeGroup(registry.views(), registry.retiredMetrics(), o);
    const status = clusterStatusMetrics(registry.statuses(), o.prefix);
    return writeGroupExposition([...merged, ...status], format, (message) =>
      log.warn('metrics-exposition', message),
    );
  };
  const answer = (worker: Worker, id: number, openMetrics: boolean): void => {
    const reply = (message: PrimaryMessage) => {
      if (worker.isConnected()) worker.send(message, undefined, () => {});
    };
    render(openMetrics ? 'openmetrics' : 'text').then(
      (body) => reply({ prs: 'scrape-result', id, body }),
      () => reply({ prs: 'scrape-result', id, error: 'collection failed' }),
    );
  };
  const registry = new WorkerRegistry(o.collectTimeoutMs, log, answer);
  let server: Server | undefined;
  if (o.port !== undefined) {
    try {
      server = await startMetricsServer(
        o.host,
        o.port,
        new PathMatcher([o.path]),
        groupEndpoint(render, o.auth, log),
      );
    } catch (error) {
      registry.close();
      throw error;
    }
  }
  return {
    port: server ? boundPort(server) : undefined,
    render,
    close: async () => {
      registry.close();
      if (server === undefined) return;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The primary's `/metrics`: a single process's endpoint (methods, auth, negotiation,
 * headers, the waiting-scrape limit) serving the group's exposition.
 */
function groupEndpoint(
  render: (format: ExpositionFormat) => Promise<string>,
  auth: MetricsAuthOptions | undefined,
  log: RateLimitedLogger,
): MetricsEndpoint {
  const endpoint = new MetricsEndpoint(undefined, auth, log);
  endpoint.serveGroup(async (openMetrics) =>
    Buffer.from(await render(openMetrics ? 'openmetrics' : 'text'), 'utf8'),
  );
  return endpoint;
}
