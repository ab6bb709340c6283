import type {
  PrometheusSample,
  PrometheusServer,
} from '../support/prometheus-server';

/** Instant query evaluated at `time` (seconds since the epoch). */
export async function queryAt(
  prometheus: PrometheusServer,
  expr: string,
  time: number,
): Promise<PrometheusSample[]> {
  const res = await fetch(
    `${prometheus.url}/api/v1/query?query=${encodeURIComponent(expr)}&time=${time}`,
    { signal: AbortSignal.timeout(10_000) },
  );
  const body = (await res.json()) as {
    status: string;
    data: { result: PrometheusSample[] };
    error?: string;
  };
  if (body.status !== 'success')
    throw new Error(`query failed: ${body.error} (${expr})`);
  return body.data.result;
}

/** Prometheus's histogram_quantile() over cumulative `buckets` (le → rate). */
export function histogramQuantile(
  q: number,
  buckets: Map<number, number>,
): number {
  const sorted = [...buckets.entries()].sort(([a], [b]) => a - b);
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1]![1];
    if (sorted[i]![1] < previous) sorted[i]![1] = previous; // monotonic, as Prometheus does
  }
  const total = sorted[sorted.length - 1]![1];
  let rank = q * total;
  const b = sorted.findIndex(([, count]) => count >= rank);
  if (b === sorted.length - 1) return sorted[sorted.length - 2]![0];
  let start = 0;
  let count = sorted[b]![1];
  if (b > 0) {
    start = sorted[b - 1]![0];
    count -= sorted[b - 1]![1];
    rank -= sorted[b - 1]![1];
  }
  return start + (sorted[b]![0] - start) * (rank / count);
}
