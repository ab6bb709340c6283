import { scrape } from './support/exposition';
import { ADAPTERS } from './support/fixture-process';
import {
  type ClusterFixture,
  sendRequests,
  startClusterFixture,
} from './support/cluster-fixture';
import { sampleSum } from './support/demo-client';
import {
  type MetricReceiver,
  startMetricReceiver,
} from './support/metric-receiver';

const REQUESTS = 400;
const ROUTE = { endpoint: '/api/items/:id' };

/** The newest cumulative `prs_http_requests_total` for the route, per `service.instance.id`. */
function latestPerInstance(receiver: MetricReceiver): Map<string, number> {
  const latest = new Map<string, number>();
  for (const e of receiver.exports()) {
    const byInstance = new Map<string, number>();
    for (const s of e.series) {
      if (s.name !== 'prs_http_requests_total') continue;
      if (s.attributes.endpoint !== ROUTE.endpoint) continue;
      const id = String(s.resource['service.instance.id']);
      byInstance.set(id, (byInstance.get(id) ?? 0) + (s.value as number));
    }
    for (const [id, value] of byInstance) latest.set(id, value);
  }
  return latest;
}

// Issue 16: with OTLP push, each worker pushes its own series under its own
// service.instance.id; the backend sums them. The primary's /metrics still merges.
describe.each(ADAPTERS)('cluster workers pushing OTLP (%s)', (adapter) => {
  let cluster: ClusterFixture | undefined;
  let receiver: MetricReceiver;

  beforeAll(async () => {
    receiver = await startMetricReceiver();
    cluster = await startClusterFixture({
      adapter,
      env: {
        OTEL_METRICS_EXPORTER: 'prometheus,otlp',
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: receiver.url,
        OTEL_METRIC_EXPORT_INTERVAL: '500',
      },
    });
  }, 180_000);

  afterAll(async () => {
    await cluster?.stop();
    await receiver?.close();
  });

  it('each worker pushes under a distinct service.instance.id, and the pushed series add up to the requests', async () => {
    const fixture = cluster as ClusterFixture;
    const load = await sendRequests(
      fixture.appUrl(''),
      REQUESTS,
      (i) => `/api/items/${i}`,
      8,
    );
    expect(load.statuses.get(200)).toBe(REQUESTS);
    const total = (latest: Map<string, number>) =>
      [...latest.values()].reduce((a, b) => a + b, 0);
    await receiver.waitForExports(
      () => total(latestPerInstance(receiver)) === REQUESTS,
      60_000,
    );
    const latest = latestPerInstance(receiver);
    expect(total(latest)).toBe(REQUESTS);
    const ids = [...latest.keys()];
    expect(ids.length).toBeGreaterThanOrEqual(2);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(
      sampleSum(
        await scrape(fixture.metricsUrl),
        'prs_http_requests_total',
        ROUTE,
      ),
    ).toBe(REQUESTS);
  });
});
