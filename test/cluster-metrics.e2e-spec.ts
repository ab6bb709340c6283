import { Agent, request } from 'node:http';
import { scrape, valueOf } from './support/exposition';
import { ADAPTERS } from './support/fixture-process';
import {
  type ClusterFixture,
  sendRequests,
  startClusterFixture,
} from './support/cluster-fixture';
import { sampleSum } from './support/demo-client';

const REQUESTS = 20_000;
const ROUTE = { endpoint: '/api/items/:id' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A scrape in which all 4 workers answered in time: on a loaded machine one may be late
 * and is then served from a snapshot taken during the load.
 */
async function allAnswered(url: string): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const text = await scrape(url);
    if (valueOf(text, 'prs_cluster_workers', { state: 'responding' }) === 4)
      return text;
    if (Date.now() > deadline) return text;
    await sleep(200);
  }
}

// Issue 16: 4 Nest workers behind one port; the primary's startClusterMetrics() serves
// the group's /metrics, and any worker's app-port /metrics answers for the group too.
describe.each(ADAPTERS)('cluster metrics, 4 workers (%s)', (adapter) => {
  let cluster: ClusterFixture | undefined;

  beforeAll(async () => {
    cluster = await startClusterFixture({ adapter });
  }, 180_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it('one scrape counts exactly 20,000 requests, _counts add up, and scrapes during the load never decrease', async () => {
    const fixture = cluster as ClusterFixture;
    const seen: { url: string; total: number }[] = [];
    let loading = true;
    // Sequential scrapes alternating between the primary's port and the app port.
    const scraper = (async () => {
      for (let i = 0; loading; i++) {
        const url =
          i % 2 === 0 ? fixture.metricsUrl : fixture.appUrl('/metrics');
        const text = await scrape(url);
        seen.push({
          url,
          total: sampleSum(text, 'prs_http_requests_total', ROUTE),
        });
        await sleep(100);
      }
    })();
    const load = await sendRequests(
      fixture.appUrl(''),
      REQUESTS,
      (i) => `/api/items/${i}`,
    );
    loading = false;
    await scraper;

    expect(load.statuses.get(200)).toBe(REQUESTS);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < seen.length; i++)
      expect(seen[i]!.total).toBeGreaterThanOrEqual(seen[i - 1]!.total);

    for (const url of [fixture.metricsUrl, fixture.appUrl('/metrics')]) {
      const text = await allAnswered(url);
      expect(sampleSum(text, 'prs_http_requests_total', ROUTE)).toBe(REQUESTS);
      expect(
        valueOf(text, 'prs_http_requests_total', {
          ...ROUTE,
          status_code: '200',
        }),
      ).toBe(REQUESTS);
      expect(
        valueOf(text, 'prs_http_request_duration_seconds_count', ROUTE),
      ).toBe(REQUESTS);
      expect(
        valueOf(text, 'prs_http_request_duration_seconds_bucket', {
          ...ROUTE,
          le: '+Inf',
        }),
      ).toBe(REQUESTS);
      expect(
        valueOf(text, 'prs_cluster_workers', { state: 'responding' }),
      ).toBe(4);
      expect(valueOf(text, 'prs_cluster_workers', { state: 'missing' })).toBe(
        0,
      );
    }
  });

  it('writes the same group numbers as OpenMetrics when the scraper asks for it', async () => {
    const fixture = cluster as ClusterFixture;
    const text = await scrape(fixture.metricsUrl);
    const res = await fetch(fixture.metricsUrl, {
      headers: { accept: 'application/openmetrics-text; version=1.0.0' },
    });
    const body = await res.text();
    expect(res.headers.get('content-type')).toContain(
      'application/openmetrics-text',
    );
    expect(body.endsWith('# EOF\n')).toBe(true);
    expect(sampleSum(body, 'prs_http_requests_total', ROUTE)).toBe(
      sampleSum(text, 'prs_http_requests_total', ROUTE),
    );
  });
});

describe.each(ADAPTERS)('cluster active users (%s)', (adapter) => {
  let cluster: ClusterFixture | undefined;

  beforeAll(async () => {
    cluster = await startClusterFixture({ adapter, app: 'business' });
  }, 180_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it('counts 300 distinct users seen by several workers exactly once (id sets merged)', async () => {
    const fixture = cluster as ClusterFixture;
    const USERS = 300;
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    // Each user signs in 3 times, over 8 connections: most users reach 2 or 3 workers.
    const statuses = await Promise.all(
      Array.from({ length: USERS * 3 }, (_, i) =>
        statusOf(agent, fixture.appUrl('/api/me'), `user-${i % USERS}`),
      ),
    );
    agent.destroy();
    expect(statuses.filter((s) => s === 200)).toHaveLength(USERS * 3);
    const text = await scrape(fixture.metricsUrl);
    expect(valueOf(text, 'prs_active_users_total', {})).toBe(USERS);
    expect(await scrape(fixture.appUrl('/metrics'))).toContain(
      `prs_active_users_total ${USERS}\n`,
    );
  });
});

function statusOf(agent: Agent, url: string, user: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { agent, headers: { 'x-user': user } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}
