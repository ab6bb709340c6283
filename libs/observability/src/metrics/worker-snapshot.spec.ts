import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { snapshotMetrics } from './worker-snapshot';

describe('snapshotMetrics', () => {
  it('turns a real collection into plain JSON kinds and points, which survive JSON', async () => {
    const reader = new PrometheusExporter({ preventServerStart: true });
    const provider = new MeterProvider({ readers: [reader] });
    const meter = provider.getMeter('test');
    meter.createCounter('requests').add(3, { route: '/a' });
    meter.createUpDownCounter('in_flight').add(-2);
    meter
      .createHistogram('duration', {
        advice: { explicitBucketBoundaries: [1, 5] },
      })
      .record(2);
    meter.createObservableGauge('memory').addCallback((r) => r.observe(7));
    const { resourceMetrics } = await reader.collect();
    const snapshot = JSON.parse(
      JSON.stringify(snapshotMetrics(resourceMetrics)),
    ) as ReturnType<typeof snapshotMetrics>;
    const byName = new Map(snapshot.map((m) => [m.name, m]));
    expect(byName.get('requests')).toMatchObject({
      kind: 'counter',
      points: [{ attributes: { route: '/a' }, value: 3 }],
    });
    expect(byName.get('in_flight')).toMatchObject({
      kind: 'updown',
      points: [{ value: -2 }],
    });
    expect(byName.get('duration')).toMatchObject({
      kind: 'histogram',
      points: [
        {
          histogram: {
            boundaries: [1, 5],
            counts: [0, 1, 0],
            count: 1,
            sum: 2,
          },
        },
      ],
    });
    expect(byName.get('memory')).toMatchObject({
      kind: 'gauge',
      points: [{ value: 7 }],
    });
    await provider.shutdown();
  });
});
