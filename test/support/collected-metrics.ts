import type { MetricReader } from '@opentelemetry/sdk-metrics';

/** One data point of a collected number metric. */
export interface CollectedPoint {
  attributes: Record<string, unknown>;
  value: number;
}

/**
 * Collects in-process (no HTTP) and returns the number data points of metric `name`,
 * for tests that start the SDK with `startObservability()` in the Jest process.
 */
export async function collectPoints(
  reader: MetricReader,
  name: string,
): Promise<CollectedPoint[]> {
  const { resourceMetrics, errors } = await reader.collect({
    timeoutMillis: 5_000,
  });
  if (errors.length > 0)
    throw new Error(`collect failed: ${String(errors[0])}`);
  const points: CollectedPoint[] = [];
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      if (metric.descriptor.name !== name) continue;
      for (const point of metric.dataPoints) {
        if (typeof point.value === 'number') {
          points.push({
            attributes: { ...point.attributes },
            value: point.value,
          });
        }
      }
    }
  }
  return points;
}

/** Value of the one point whose attributes include `labels` (0 when none: a counter never incremented). */
export async function collectValue(
  reader: MetricReader,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const found = (await collectPoints(reader, name)).filter((p) =>
    Object.entries(labels).every(([k, v]) => p.attributes[k] === v),
  );
  if (found.length > 1)
    throw new Error(
      `${found.length} points of ${name} match ${JSON.stringify(labels)}`,
    );
  return found[0]?.value ?? 0;
}
