import cluster, { type Worker } from 'node:cluster';
import { messages } from '../core/messages';
import type { RateLimitedLogger } from '../core/rate-limited-logger';
import {
  isWorkerMessage,
  type SnapshotMetric,
  type WorkerMessage,
  type WorkerSnapshot,
} from '../metrics/cluster-protocol';
import { CollectRounds } from './collect-rounds';
import { foldRetired, type WorkerView } from './snapshot-merge';

/** Exited workers remembered for a snapshot still in the IPC pipe when their exit was seen. */
const DEPARTED_KEPT = 64;

/** One live worker as the primary knows it. */
interface Member {
  readonly worker: Worker;
  snapshot: WorkerSnapshot | undefined;
  /** Whether it answered the last collection in time. */
  responding: boolean;
}

/** A worker's state in the last collection, for `prs_cluster_worker_up`. */
export interface WorkerStatus {
  label: string;
  pid: number | undefined;
  responding: boolean;
}

/**
 * The primary's record of its workers: each one's last snapshot, and what exited workers
 * had counted ("retired"), so the group's counters never go backwards. A worker is
 * retired at its exit or the close of its IPC channel, whichever comes first; a final
 * snapshot read after that adds only what it counted beyond the one already retired.
 */
export class WorkerRegistry {
  private readonly members = new Map<number, Member>();
  private retired: SnapshotMetric[] = [];
  /** Exited workers' retired snapshots, for a final one that arrives late. */
  private readonly departed = new Map<number, SnapshotMetric[]>();
  private round = 0;
  private readonly rounds = new CollectRounds(() => this.collectRound());
  private readonly waiters = new Map<number, Set<number>>();
  private readonly onWaiterDone = new Map<number, () => void>();
  private readonly onFork = (worker: Worker) => this.join(worker);
  /** On 'exit' and on 'disconnect': the first one retires. */
  private readonly onDisconnect = (worker: Worker) => this.retire(worker);
  private readonly onMessage = (worker: Worker, message: unknown) => {
    try {
      if (isWorkerMessage(message)) this.receive(worker, message);
    } catch (error) {
      this.log.warn('cluster-message', messages.clusterMessageFailed(), error);
    }
  };

  constructor(
    private readonly collectTimeoutMs: number,
    private readonly log: RateLimitedLogger,
    private readonly onScrape: (
      worker: Worker,
      id: number,
      openMetrics: boolean,
    ) => void,
  ) {
    cluster.on('fork', this.onFork);
    cluster.on('exit', this.onDisconnect);
    cluster.on('disconnect', this.onDisconnect);
    cluster.on('message', this.onMessage);
    for (const worker of Object.values(cluster.workers ?? {}))
      if (worker) this.join(worker);
  }

  /**
   * Asks every live worker for a snapshot; resolves when all answered or after the timeout.
   * Concurrent calls share a round, and rounds are paced ({@link CollectRounds}).
   */
  collect(): Promise<void> {
    return this.rounds.run();
  }

  /** Live workers' last snapshots (never-heard-from workers are left out). */
  views(): WorkerView[] {
    const views: WorkerView[] = [];
    for (const [id, { snapshot }] of this.members)
      if (snapshot) views.push({ label: String(id), snapshot });
    return views;
  }

  /** What exited workers had counted. */
  retiredMetrics(): readonly SnapshotMetric[] {
    return this.retired;
  }

  /** Each live worker and whether it answered the last collection. */
  statuses(): WorkerStatus[] {
    return [...this.members].map(([id, m]) => ({
      label: String(id),
      pid: m.worker.process.pid,
      responding: m.responding,
    }));
  }

  /** Stops listening to the cluster. */
  close(): void {
    cluster.off('fork', this.onFork);
    cluster.off('exit', this.onDisconnect);
    cluster.off('disconnect', this.onDisconnect);
    cluster.off('message', this.onMessage);
  }

  private join(worker: Worker): void {
    if (!this.members.has(worker.id))
      this.members.set(worker.id, {
        worker,
        snapshot: undefined,
        responding: true,
      });
  }

  private retire(worker: Worker): void {
    const member = this.members.get(worker.id);
    if (member === undefined) return;
    this.members.delete(worker.id);
    const metrics = member.snapshot?.metrics ?? [];
    this.retired = foldRetired(this.retired, metrics);
    this.departed.set(worker.id, metrics);
    if (this.departed.size > DEPARTED_KEPT)
      this.departed.delete(this.departed.keys().next().value as number);
    for (const [round, waiting] of this.waiters)
      if (waiting.delete(worker.id) && waiting.size === 0)
        this.onWaiterDone.get(round)?.();
  }

  private receive(worker: Worker, message: WorkerMessage): void {
    if (message.prs === 'scrape') {
      this.onScrape(worker, message.id, message.openMetrics === true);
      return;
    }
    const member = this.members.get(worker.id);
    if (member === undefined || !Array.isArray(message.snapshot?.metrics))
      return;
    member.snapshot = message.snapshot;
    if (message.id === undefined) return;
    const waiting = this.waiters.get(message.id);
    if (waiting?.delete(worker.id)) {
      member.responding = true;
      if (waiting.size === 0) this.onWaiterDone.get(message.id)?.();
    }
  }

  private collectRound(): Promise<void> {
    const round = ++this.round;
    const waiting = new Set<number>();
    for (const [id, { worker }] of this.members) {
      if (!worker.isConnected()) continue;
      try {
        worker.send({ prs: 'collect', id: round });
        waiting.add(id);
      } catch {
        // The channel closed in between: 'disconnect' retires it.
      }
    }
    if (waiting.size === 0) return Promise.resolve();
    this.waiters.set(round, waiting);
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(round);
        this.onWaiterDone.delete(round);
        for (const id of waiting) this.missed(id);
        resolve();
      };
      const timer = setTimeout(done, this.collectTimeoutMs);
      this.onWaiterDone.set(round, done);
    });
  }

  private missed(id: number): void {
    const member = this.members.get(id);
    if (member === undefined) return;
    member.responding = false;
    this.log.warn(
      `cluster-missing:${id}`,
      messages.clusterWorkerMissing(
        id,
        member.worker.process.pid,
        this.collectTimeoutMs,
      ),
    );
  }
}
