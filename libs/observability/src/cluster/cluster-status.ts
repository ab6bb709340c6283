import { METRIC_SUFFIXES } from '../core/metric-names';
import type { SnapshotMetric } from '../metrics/cluster-protocol';
import type { WorkerStatus } from './worker-registry';

/**
 * `<prefix>_cluster_workers{state="responding|missing"}` and
 * `<prefix>_cluster_worker_up{worker="<id>"}` (1 answered the scrape's collection in
 * time, 0 was served from its last snapshot).
 */
export function clusterStatusMetrics(
  statuses: readonly WorkerStatus[],
  prefix: string,
): SnapshotMetric[] {
  const responding = statuses.filter((s) => s.responding).length;
  return [
    {
      name: `${prefix}_${METRIC_SUFFIXES.clusterWorkers}`,
      description:
        'Live cluster workers, by whether they answered this scrape in time',
      unit: '',
      kind: 'gauge',
      points: [
        { attributes: { state: 'responding' }, value: responding },
        {
          attributes: { state: 'missing' },
          value: statuses.length - responding,
        },
      ],
    },
    {
      name: `${prefix}_${METRIC_SUFFIXES.clusterWorkerUp}`,
      description:
        'Whether the cluster worker answered this scrape in time (0: its last snapshot was served)',
      unit: '',
      kind: 'gauge',
      points: statuses.map((s) => ({
        attributes: { worker: s.label },
        value: s.responding ? 1 : 0,
      })),
    },
  ];
}
