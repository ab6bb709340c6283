import type {
  SnapshotMetric,
  WorkerSnapshot,
} from '../metrics/cluster-protocol';
import { writeGroupExposition } from './group-exposition';
import { foldRetired, mergeGroup, RETIRED_WORKER } from './snapshot-merge';

const counter = (value: number, route = '/a'): SnapshotMetric => ({
  name: 'prs_http_requests_total',
  description: 'HTTP requests',
  unit: '',
  kind: 'counter',
  points: [{ attributes: { method: 'GET', endpoint: route }, value }],
});

const histogram = (counts: number[], sum: number): SnapshotMetric => ({
  name: 'prs_http_request_duration_seconds',
  description: 'duration',
  unit: 's',
  kind: 'histogram',
  points: [
    {
      attributes: { endpoint: '/a' },
      histogram: {
        boundaries: [0.1, 1],
        counts,
        count: counts.reduce((a, b) => a + b, 0),
        sum,
      },
    },
  ],
});

const gauge = (
  name: string,
  value: number,
  attributes = {},
): SnapshotMetric => ({
  name,
  description: name,
  unit: '',
  kind: 'gauge',
  points: [{ attributes, value }],
});

const worker = (label: string, ...metrics: SnapshotMetric[]) => ({
  label,
  snapshot: { metrics } as WorkerSnapshot,
});

const OPTIONS = { workerLabel: false, prefix: 'prs' };
const pointOf = (metrics: SnapshotMetric[], name: string) =>
  metrics.find((m) => m.name === name)?.points;

describe('mergeGroup', () => {
  it('sums counters per (name, attributes), whatever order workers list the attributes in', () => {
    const reordered: SnapshotMetric = {
      ...counter(0),
      points: [{ attributes: { endpoint: '/a', method: 'GET' }, value: 5 }],
    };
    const merged = mergeGroup(
      [
        worker('1', counter(3)),
        worker('2', reordered),
        worker('3', counter(7, '/b')),
      ],
      [],
      OPTIONS,
    );
    expect(pointOf(merged, 'prs_http_requests_total')).toEqual([
      { attributes: { method: 'GET', endpoint: '/a' }, value: 8 },
      { attributes: { method: 'GET', endpoint: '/b' }, value: 7 },
    ]);
  });

  it('sums histograms bucket by bucket, with their counts and sums', () => {
    const merged = mergeGroup(
      [
        worker('1', histogram([1, 2, 3], 4)),
        worker('2', histogram([10, 0, 1], 2)),
      ],
      [],
      OPTIONS,
    );
    expect(pointOf(merged, 'prs_http_request_duration_seconds')).toEqual([
      {
        attributes: { endpoint: '/a' },
        histogram: {
          boundaries: [0.1, 1],
          counts: [11, 2, 4],
          count: 17,
          sum: 6,
        },
      },
    ]);
  });

  it('leaves out a histogram point whose bounds differ from the first one', () => {
    const other = histogram([5, 5, 5], 1);
    other.points[0]!.histogram!.boundaries = [0.5, 2];
    const merged = mergeGroup(
      [worker('1', histogram([1, 1, 1], 1)), worker('2', other)],
      [],
      OPTIONS,
    );
    expect(
      pointOf(merged, 'prs_http_request_duration_seconds')?.[0]?.histogram
        ?.count,
    ).toBe(3);
  });

  it.each([
    ['process_resident_memory_bytes', [100, 200, 50], 350],
    ['nodejs_eventloop_delay_p99_seconds', [0.01, 0.2, 0.05], 0.2],
    ['process_start_time_seconds', [100, 200, 50], 50],
    ['prs_health_check_status', [1, 0, 1], 0],
    ['my_app_queue_length', [1, 2, 3], 6],
  ])('reduces gauge %s of %j to %d', (name, values, expected) => {
    const merged = mergeGroup(
      values.map((v, i) => worker(String(i), gauge(name, v))),
      [],
      OPTIONS,
    );
    expect(pointOf(merged, name)?.[0]?.value).toBe(expected);
  });

  it('adds retired counts to the live ones, and drops exited workers’ gauges', () => {
    let retired = foldRetired(
      [],
      [counter(10), gauge('process_resident_memory_bytes', 5)],
    );
    retired = foldRetired(retired, [counter(4), histogram([1, 0, 0], 0.05)]);
    expect(retired.map((m) => m.name)).toEqual([
      'prs_http_requests_total',
      'prs_http_request_duration_seconds',
    ]);
    const merged = mergeGroup([worker('3', counter(1))], retired, OPTIONS);
    expect(pointOf(merged, 'prs_http_requests_total')?.[0]?.value).toBe(15);
  });

  it('adds only the difference of a final snapshot read after the worker was retired', () => {
    const first = [counter(10), histogram([1, 0, 0], 0.05)];
    let retired = foldRetired([], first);
    retired = foldRetired(
      retired,
      [counter(14), histogram([1, 2, 0], 1.05)],
      first,
    );
    expect(pointOf(retired, 'prs_http_requests_total')?.[0]?.value).toBe(14);
    expect(
      pointOf(retired, 'prs_http_request_duration_seconds')?.[0]?.histogram,
    ).toEqual({ boundaries: [0.1, 1], counts: [1, 2, 0], count: 3, sum: 1.05 });
  });

  it('with workerLabel keeps one series per worker, exited ones under worker="retired"', () => {
    const retired = foldRetired([], [counter(10)]);
    const merged = mergeGroup(
      [worker('1', counter(3)), worker('2', counter(5))],
      retired,
      { workerLabel: true, prefix: 'prs' },
    );
    expect(
      pointOf(merged, 'prs_http_requests_total')?.map((p) => [
        p.attributes.worker,
        p.value,
      ]),
    ).toEqual([
      ['1', 3],
      ['2', 5],
      [RETIRED_WORKER, 10],
    ]);
  });

  it('replaces active users by the union of the workers’ id sets, one series even with workerLabel', () => {
    const users = (n: number) => gauge('prs_active_users_total', n);
    const merged = mergeGroup(
      [
        {
          label: '1',
          snapshot: { metrics: [users(2)], activeUsers: { ids: ['a', 'b'] } },
        },
        {
          label: '2',
          snapshot: { metrics: [users(2)], activeUsers: { ids: ['b', 'c'] } },
        },
      ],
      [],
      { workerLabel: true, prefix: 'prs' },
    );
    expect(pointOf(merged, 'prs_active_users_total')).toEqual([
      { attributes: {}, value: 3 },
    ]);
  });

  it('writes the merged metrics under the same names and types as one process', () => {
    const text = writeGroupExposition(
      mergeGroup(
        [worker('1', counter(2), histogram([1, 0, 1], 3))],
        [],
        OPTIONS,
      ),
      'text',
    );
    expect(text).toContain('# TYPE prs_http_requests_total counter');
    expect(text).toContain(
      'prs_http_requests_total{method="GET",endpoint="/a"} 2',
    );
    expect(text).toContain(
      'prs_http_request_duration_seconds_bucket{endpoint="/a",le="+Inf"} 2',
    );
    expect(text).toContain(
      'prs_http_request_duration_seconds_count{endpoint="/a"} 2',
    );
  });
});
