import cluster from 'node:cluster';
import type { MetricReader } from '@opentelemetry/sdk-metrics';
import { messages } from '../core/messages';
import type { RateLimitedLogger } from '../core/rate-limited-logger';
import {
  type ActiveUsersShare,
  type ClusterSettings,
  clusterSettingsFromEnv,
  isPrimaryMessage,
  type WorkerMessage,
} from './cluster-protocol';
import type { MetricsGroupLink } from './metrics-group';
import { snapshotMetrics } from './worker-snapshot';

/** A worker waits this much longer than the primary's own collection timeout for a scrape body. */
const SCRAPE_MARGIN_MS = 5_000;
const COLLECT_TIMEOUT_MS = 5_000;

interface PendingScrape {
  resolve: (body: Buffer) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * A cluster worker's side of the group's `/metrics` (see docs/cluster.md): answers the
 * primary's collect requests with its cumulative snapshot, pushes one every
 * `pushIntervalMs` and a final one at graceful shutdown, and forwards scrapes received on
 * the app port to the primary. Foreign IPC messages are ignored; nothing here throws
 * into the host app.
 */
export class ClusterWorkerLink implements MetricsGroupLink {
  private readonly pending = new Map<number, PendingScrape>();
  private nextId = 1;
  private pushTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Snapshots are taken and sent one after another, so the primary never gets an older one last. */
  private queue: Promise<void> = Promise.resolve();
  private readonly onMessage = (message: unknown): void => {
    try {
      this.receive(message);
    } catch (error) {
      this.log.warn('cluster-message', messages.clusterMessageFailed(), error);
    }
  };

  private constructor(
    private readonly reader: MetricReader,
    private readonly settings: ClusterSettings,
    private readonly log: RateLimitedLogger,
    private readonly share: () => ActiveUsersShare | undefined,
  ) {}

  /** A started link when this process is a worker of a primary running `startClusterMetrics()`. */
  static join(
    reader: MetricReader,
    log: RateLimitedLogger,
    share: () => ActiveUsersShare | undefined,
  ): ClusterWorkerLink | undefined {
    const settings = clusterSettingsFromEnv();
    if (!cluster.isWorker || settings === undefined || !process.send)
      return undefined;
    const link = new ClusterWorkerLink(reader, settings, log, share);
    process.on('message', link.onMessage);
    link.pushTimer = setInterval(
      () => void link.push('push'),
      settings.pushIntervalMs,
    );
    link.pushTimer.unref();
    return link;
  }

  /** Asks the primary for the group's exposition (the app-port `/metrics` of a worker). */
  scrape(openMetrics: boolean): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error('the cluster primary did not answer'));
      }, this.settings.collectTimeoutMs + SCRAPE_MARGIN_MS);
      this.pending.set(id, { resolve, reject, timer });
      void this.send({ prs: 'scrape', id, openMetrics }).then((sent) => {
        if (sent || !this.pending.delete(id)) return;
        clearTimeout(timer);
        reject(new Error('the cluster primary is not reachable'));
      });
    });
  }

  /** Sends the final snapshot (graceful shutdown) and stops listening. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.pushTimer);
    await this.push('final');
    process.off('message', this.onMessage);
    for (const [id, scrape] of this.pending) {
      clearTimeout(scrape.timer);
      scrape.reject(new Error('the worker is shutting down'));
      this.pending.delete(id);
    }
  }

  private receive(message: unknown): void {
    if (!isPrimaryMessage(message)) return;
    if (message.prs === 'collect') {
      if (!this.stopped) void this.push('collect', message.id);
      return;
    }
    const scrape = this.pending.get(message.id);
    if (scrape === undefined) return;
    this.pending.delete(message.id);
    clearTimeout(scrape.timer);
    if (typeof message.body === 'string')
      scrape.resolve(Buffer.from(message.body, 'utf8'));
    else scrape.reject(new Error(message.error ?? 'collection failed'));
  }

  private push(
    reason: 'collect' | 'push' | 'final',
    id?: number,
  ): Promise<void> {
    this.queue = this.queue.then(() => this.sendSnapshot(reason, id));
    return this.queue;
  }

  private async sendSnapshot(
    reason: 'collect' | 'push' | 'final',
    id?: number,
  ): Promise<void> {
    try {
      const { resourceMetrics } = await this.reader.collect({
        timeoutMillis: COLLECT_TIMEOUT_MS,
      });
      const activeUsers = this.share();
      await this.send({
        prs: 'snapshot',
        ...(id === undefined ? {} : { id }),
        reason,
        snapshot: {
          metrics: snapshotMetrics(resourceMetrics),
          ...(activeUsers ? { activeUsers } : {}),
        },
      });
    } catch (error) {
      this.log.warn(
        'cluster-snapshot',
        messages.clusterSnapshotFailed(),
        error,
      );
    }
  }

  /** Resolves `false` when the IPC channel is gone or the send failed. */
  private send(message: WorkerMessage): Promise<boolean> {
    return new Promise((resolve) => {
      if (!process.send || !process.connected) return resolve(false);
      try {
        process.send(message, undefined, {}, (error) => resolve(!error));
      } catch {
        resolve(false);
      }
    });
  }
}
