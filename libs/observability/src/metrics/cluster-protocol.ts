import type { Attributes } from '@opentelemetry/api';

/**
 * The IPC contract between a cluster primary running `startClusterMetrics()` and its
 * workers. Every message carries `prs`, so the app's own IPC messages are told apart.
 */

/** Set by the primary before it forks; workers that inherit it join the group. */
export const CLUSTER_ENV = 'PRS_OBSERVABILITY_CLUSTER';

/** What a worker learns from {@link CLUSTER_ENV}. */
export interface ClusterSettings {
  /** How long the primary waits for workers during one scrape. */
  collectTimeoutMs: number;
  /** How often a worker pushes a snapshot unasked (bounds what a SIGKILL loses). */
  pushIntervalMs: number;
}

/** One histogram point, cumulative. */
export interface SnapshotHistogram {
  boundaries: number[];
  counts: number[];
  sum?: number;
  count: number;
}

/** One data point: a number, or a histogram. */
export interface SnapshotPoint {
  attributes: Attributes;
  value?: number;
  histogram?: SnapshotHistogram;
}

/** How a metric merges: counters and histograms add up; gauges follow the gauge rules. */
export type SnapshotKind = 'counter' | 'histogram' | 'gauge' | 'updown';

/** One metric of a worker's collection, as plain JSON. */
export interface SnapshotMetric {
  name: string;
  description: string;
  unit: string;
  kind: SnapshotKind;
  points: SnapshotPoint[];
}

/**
 * Mergeable distinct-user state of the active-user window: the ids themselves while the
 * window is exact (and small enough to send), else HyperLogLog registers.
 */
export type ActiveUsersShare = { ids: string[] } | { registers: number[] };

/** A worker's cumulative metrics at one moment. */
export interface WorkerSnapshot {
  metrics: SnapshotMetric[];
  activeUsers?: ActiveUsersShare;
}

/** Primary → worker. */
export type PrimaryMessage =
  | { prs: 'collect'; id: number }
  | { prs: 'scrape-result'; id: number; body?: string; error?: string };

/** Worker → primary. `reason: 'final'` is sent during a graceful shutdown. */
export type WorkerMessage =
  | {
      prs: 'snapshot';
      id?: number;
      reason: 'collect' | 'push' | 'final';
      snapshot: WorkerSnapshot;
    }
  | { prs: 'scrape'; id: number; openMetrics: boolean };

const PRIMARY_TYPES = new Set(['collect', 'scrape-result']);
const WORKER_TYPES = new Set(['snapshot', 'scrape']);

/** Whether an IPC message is one of ours from the primary. */
export function isPrimaryMessage(message: unknown): message is PrimaryMessage {
  return hasType(message, PRIMARY_TYPES);
}

/** Whether an IPC message is one of ours from a worker. */
export function isWorkerMessage(message: unknown): message is WorkerMessage {
  return hasType(message, WORKER_TYPES);
}

function hasType(message: unknown, types: Set<string>): boolean {
  return (
    typeof message === 'object' &&
    message !== null &&
    types.has((message as { prs?: unknown }).prs as string)
  );
}

/** The settings a worker inherited, or `undefined` outside a metrics cluster. */
export function clusterSettingsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): ClusterSettings | undefined {
  const text = env[CLUSTER_ENV];
  if (!text) return undefined;
  try {
    const parsed = JSON.parse(text) as Partial<ClusterSettings>;
    const { collectTimeoutMs, pushIntervalMs } = parsed;
    if (
      typeof collectTimeoutMs !== 'number' ||
      typeof pushIntervalMs !== 'number'
    )
      return undefined;
    return { collectTimeoutMs, pushIntervalMs };
  } catch {
    return undefined;
  }
}
