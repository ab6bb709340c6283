import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:net';
import type { MetricReader } from '@opentelemetry/sdk-metrics';
import { messages } from '../core/messages';
import type { RateLimitedLogger } from '../core/rate-limited-logger';
import type {
  ActiveUsersShare,
  SnapshotMetric,
} from '../metrics/cluster-protocol';
import type {
  MetricsGroupLink,
  MetricsGroupMember,
} from '../metrics/metrics-group';
import { snapshotMetrics } from '../metrics/worker-snapshot';
import { clusterStatusMetrics } from './cluster-status';
import { CollectRounds } from './collect-rounds';
import { writeGroupExposition } from './group-exposition';
import { isAlive, PeerFiles, type PeerRecord } from './peer-files';
import { askPeer, listenForPeers } from './peer-socket';
import { type Pm2GroupSettings, pm2GroupSettings } from './pm2-settings';
import { mergeGroup } from './snapshot-merge';
import type { WorkerStatus } from './worker-registry';

/** Instances one scrape reads at most (PM2 runs one per core or so). */
const MAX_PEERS = 64;
const COLLECT_TIMEOUT_MS = 5_000;

/** What one collection round gathered. */
interface GroupRound {
  records: PeerRecord[];
  statuses: WorkerStatus[];
  retired: SnapshotMetric[];
}

/**
 * Joins the PM2 cluster-mode group when this process is one of its instances (the
 * {@link JoinPeerGroup} the module passes to the metrics capability).
 */
export function joinPm2Group(
  member: MetricsGroupMember,
): PeerGroup | undefined {
  const settings = pm2GroupSettings();
  return settings ? new PeerGroup(member, settings) : undefined;
}

/**
 * One instance of a PM2 cluster-mode app (docs/cluster.md, "PM2"). PM2's daemon is the
 * cluster primary and runs no app code, so the instances answer for the group among
 * themselves: each listens on a Unix socket in the group directory and keeps its
 * cumulative snapshot in a file there (every `pushIntervalMs`, on every collection, and
 * at graceful shutdown). The instance a scrape lands on asks every peer for a fresh
 * snapshot (at most `collectTimeoutMs`), serves a peer that did not answer from its file
 * and reports it, folds the files of exited instances into the retired totals, and merges
 * as a cluster primary does.
 */
export class PeerGroup implements MetricsGroupLink {
  private readonly files: PeerFiles;
  private readonly id = randomUUID();
  private readonly reader: MetricReader;
  private readonly log: RateLimitedLogger;
  private readonly share: () => ActiveUsersShare | undefined;
  private readonly prefix: string;
  private readonly ready: Promise<void>;
  private readonly rounds = new CollectRounds(() => this.collectRound());
  private server: Server | undefined;
  private pushTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** The snapshot being taken; one at a time, so a file is never replaced by an older one. */
  private taking: Promise<PeerRecord> | undefined;

  constructor(
    member: MetricsGroupMember,
    private readonly settings: Pm2GroupSettings,
  ) {
    ({
      reader: this.reader,
      log: this.log,
      share: this.share,
      prefix: this.prefix,
    } = member);
    this.files = new PeerFiles(settings.dir);
    this.ready = this.start();
    this.ready.catch((error: unknown) =>
      this.log.warn('pm2-group', messages.pm2GroupFailed(settings.dir), error),
    );
  }

  async scrape(openMetrics: boolean): Promise<Buffer> {
    const round = await this.rounds.run();
    const merged = mergeGroup(
      round.records.map(({ label, snapshot }) => ({ label, snapshot })),
      round.retired,
      { workerLabel: this.settings.workerLabel, prefix: this.prefix },
    );
    const status = clusterStatusMetrics(round.statuses, this.prefix);
    const body = writeGroupExposition(
      [...merged, ...status],
      openMetrics ? 'openmetrics' : 'text',
      (message) => this.log.warn('metrics-exposition', message),
    );
    return Buffer.from(body, 'utf8');
  }

  /**
   * Stops answering peers and writes the final snapshot: once this process has exited, the
   * next scrape folds it into the retired totals.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.pushTimer);
    const server = this.server;
    this.server = undefined;
    if (server)
      await new Promise<void>((resolve) => server.close(() => resolve()));
    try {
      await this.ready;
      await this.taking?.catch(() => undefined);
      await this.takeSnapshot();
    } catch (error) {
      this.log.warn('pm2-snapshot', messages.pm2SnapshotFailed(), error);
    }
  }

  private async start(): Promise<void> {
    await mkdir(this.settings.dir, { recursive: true, mode: 0o700 });
    const entries = await this.files.entries(MAX_PEERS);
    if (!entries.some(({ pid }) => pid !== process.pid && isAlive(pid)))
      await this.files.resetUnless((pid) => pid === process.pid);
    await this.files.removeSocket(process.pid);
    await this.snapshot();
    if (this.stopped) return;
    const server = await listenForPeers(
      this.files.socketPath(process.pid),
      async () => JSON.stringify(await this.snapshot()),
    );
    // stop() ran while it was binding: it must not answer peers or push after its final snapshot.
    if (this.stopped) {
      server.close();
      return;
    }
    this.server = server;
    this.pushTimer = setInterval(
      () =>
        void this.snapshot().catch((error: unknown) =>
          this.log.warn('pm2-snapshot', messages.pm2SnapshotFailed(), error),
        ),
      this.settings.pushIntervalMs,
    );
    this.pushTimer.unref();
  }

  /** A fresh snapshot, shared with any caller while it is being taken. */
  private snapshot(): Promise<PeerRecord> {
    this.taking ??= this.takeSnapshot().finally(
      () => (this.taking = undefined),
    );
    return this.taking;
  }

  /** Collects, writes the file, and only then hands the record out: the file is never older than what a peer served. */
  private async takeSnapshot(): Promise<PeerRecord> {
    const { resourceMetrics } = await this.reader.collect({
      timeoutMillis: COLLECT_TIMEOUT_MS,
    });
    const activeUsers = this.share();
    const record: PeerRecord = {
      id: this.id,
      pid: process.pid,
      label: this.settings.label,
      snapshot: {
        metrics: snapshotMetrics(resourceMetrics),
        ...(activeUsers ? { activeUsers } : {}),
      },
    };
    // The file leaves the active-user ids out: no personal data on disk.
    const file = { ...record, snapshot: { metrics: record.snapshot.metrics } };
    await this.files.writeRecord(file).catch(async () => {
      // The directory was removed under us (a tmp cleaner): recreate it once.
      await mkdir(this.settings.dir, { recursive: true, mode: 0o700 });
      await this.files.writeRecord(file);
    });
    return record;
  }

  private async collectRound(): Promise<GroupRound> {
    await this.ready;
    const entries = await this.files.entries(MAX_PEERS);
    const others = entries.filter(({ pid }) => pid !== process.pid);
    const dead = others.filter(({ pid }) => !isAlive(pid));
    const live = others.filter((entry) => !dead.includes(entry));
    // A failed fold (the directory went away) leaves the dead files to be served as they are.
    if (dead.length > 0)
      await this.files
        .foldDead(dead)
        .catch((error: unknown) =>
          this.log.warn('pm2-retire', messages.pm2RetireFailed(), error),
        );
    const [own, ...answers] = await Promise.all([
      this.snapshot(),
      ...live.map(({ pid, socket }) =>
        socket
          ? askPeer(this.files.socketPath(pid), this.settings.collectTimeoutMs)
          : Promise.resolve('gone' as const),
      ),
    ]);
    const records: PeerRecord[] = [own];
    const statuses: WorkerStatus[] = [
      { label: own.label, pid: own.pid, responding: true },
    ];
    for (const [i, { pid }] of live.entries()) {
      const answer = answers[i];
      if (answer !== undefined && answer !== 'gone') {
        records.push(answer);
        statuses.push({ label: answer.label, pid, responding: true });
        continue;
      }
      // Stopped or busy: its last file. Shutting down (no socket): its file, not reported.
      const last = await this.files.readRecord(pid);
      if (last) records.push(last);
      if (answer === 'gone') continue;
      const label = last?.label ?? `pid-${pid}`;
      statuses.push({ label, pid, responding: false });
      this.log.warn(
        `cluster-missing:${pid}`,
        messages.pm2InstanceMissing(label, pid, this.settings.collectTimeoutMs),
      );
    }
    // Dead instances another one is folding right now: their files until they are in.
    for (const { pid } of dead) {
      const last = await this.files.readRecord(pid);
      if (last) records.push(last);
    }
    // Read last: a record folded since it was read is dropped, never counted twice.
    const retired = await this.files.readRetired();
    const folded = new Set(retired.folded);
    return {
      records: records.filter(({ id }) => !folded.has(id)),
      statuses,
      retired: retired.metrics,
    };
  }
}
