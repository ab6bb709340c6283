import { randomUUID } from 'node:crypto';
import {
  ADAPTERS,
  startFixture,
  type Adapter,
  type RunningFixture,
} from './support/fixture-process';
import { linesOf, parseSamples, scrape, valueOf } from './support/exposition';
import { abortedRequest, hammer, rawRequest } from './support/http';

const REQUESTS = 'prs_http_requests_total';
const DURATION = 'prs_http_request_duration_seconds';
const endpointsByAdapter = new Map<Adapter, string[]>();

describe.each(ADAPTERS)('HTTP metrics on %s', (adapter) => {
  let app: RunningFixture;

  beforeAll(async () => {
    app = await startFixture({ adapter });
  });
  afterAll(() => app.stop());

  it('counts templated routes, 404s, HttpExceptions, uncaught errors and guard rejections', async () => {
    const statuses: Record<string, number> = {};
    for (const path of [
      '/api/items/1',
      '/api/items/2?q=x',
      '/api/v1/deals/42',
      '/no/such/route',
      '/api/fixture/conflict',
      '/api/fixture/crash',
      '/api/fixture/guarded',
    ]) {
      statuses[path] = (await fetch(app.url(path))).status;
    }
    expect(statuses).toEqual({
      '/api/items/1': 200,
      '/api/items/2?q=x': 200,
      '/api/v1/deals/42': 200,
      '/no/such/route': 404,
      '/api/fixture/conflict': 409,
      '/api/fixture/crash': 500,
      '/api/fixture/guarded': 403,
    });

    const text = await scrape(app.url('/metrics'));
    expect(linesOf(text, REQUESTS).sort()).toEqual(
      [
        'prs_http_requests_total{method="GET",endpoint="/api/items/:id",status_code="200"} 2',
        'prs_http_requests_total{method="GET",endpoint="/api/v1/deals/:id",status_code="200"} 1',
        'prs_http_requests_total{method="GET",endpoint="unmatched",status_code="404"} 1',
        'prs_http_requests_total{method="GET",endpoint="/api/fixture/conflict",status_code="409"} 1',
        'prs_http_requests_total{method="GET",endpoint="/api/fixture/crash",status_code="500"} 1',
        'prs_http_requests_total{method="GET",endpoint="/api/fixture/guarded",status_code="403"} 1',
      ].sort(),
    );
    expect(text).toContain(`# TYPE ${REQUESTS} counter\n`);
    expect(text).toContain(`# TYPE ${DURATION} histogram\n`);
    expect(
      linesOf(text, `${DURATION}_bucket`).filter((l) =>
        l.includes('/api/items/:id'),
      ),
    ).toEqual(
      [
        '0.005',
        '0.01',
        '0.025',
        '0.05',
        '0.1',
        '0.25',
        '0.5',
        '1',
        '2',
        '2.5',
        '5',
        '10',
        '+Inf',
      ].map((le) =>
        expect.stringMatching(
          new RegExp(
            `^${DURATION}_bucket\\{method="GET",endpoint="/api/items/:id",le="${le.replace('+', '\\+')}"\\} \\d+$`,
          ),
        ),
      ),
    );
    expect(
      valueOf(text, `${DURATION}_count`, { endpoint: '/api/items/:id' }),
    ).toBe(2);
    endpointsByAdapter.set(
      adapter,
      [
        ...new Set(
          parseSamples(text)
            .filter((s) => s.name === REQUESTS)
            .map((s) => s.labels.endpoint),
        ),
      ].sort() as string[],
    );
  });

  it('exposes no scope labels, no target_info and no auto-instrumentation metrics', async () => {
    const text = await scrape(app.url('/metrics'));
    expect(text).not.toContain('otel_scope_');
    expect(text).not.toContain('target_info');
    expect(text).not.toContain('http_server_request_duration');
    const runtime =
      /^(process_(cpu_seconds_total|resident_memory_bytes|start_time_seconds)|nodejs_(heap_used_bytes|eventloop_delay_p99_seconds))$/;
    expect(
      parseSamples(text).filter(
        (s) => !s.name.startsWith('prs_') && !runtime.test(s.name),
      ),
    ).toEqual([]);
  });

  it('serves /metrics and /metrics/ as text format 0.0.4, outside the global prefix, and never counts scrapes', async () => {
    const res = await fetch(app.url('/metrics/'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(
      'text/plain; version=0.0.4; charset=utf-8',
    );
    const head = await fetch(app.url('/metrics'), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await rawRequest(app.port, 'POST', '/metrics')).toBe(405);
    expect((await fetch(app.url('/api/metrics'))).status).toBe(404);
    const text = await res.text();
    expect(text).not.toMatch(/endpoint="\/metrics/);
  });

  it('folds methods outside the standard set into _OTHER', async () => {
    expect(await rawRequest(app.port, 'PROPFIND', '/api/items/7')).toBe(404);
    const text = await scrape(app.url('/metrics'));
    expect(
      valueOf(text, REQUESTS, { method: '_OTHER', status_code: '404' }),
    ).toBe(1);
  });

  it('counts a request the client aborts as status 499 on its route', async () => {
    await abortedRequest(app.port, '/api/fixture/hang', 150);
    let value: number | undefined;
    for (let i = 0; i < 50 && value === undefined; i++) {
      await new Promise((r) => setTimeout(r, 50));
      value = valueOf(await scrape(app.url('/metrics')), REQUESTS, {
        endpoint: '/api/fixture/hang',
        status_code: '499',
      });
    }
    expect(value).toBe(1);
  });

  it('keeps endpoint cardinality at routes + 1 under 10,000 distinct ids and 1,000 junk paths', async () => {
    const ids = await hammer(
      app.url(''),
      10_000,
      () => `/api/items/${randomUUID()}`,
    );
    const junk = await hammer(
      app.url(''),
      1_000,
      (i) => `/${randomUUID()}/${i}/x%20y?z=${i}`,
    );
    expect(ids.get(200)).toBe(10_000);
    expect(junk.get(404)).toBe(1_000);
    const text = await scrape(app.url('/metrics'));
    const endpoints = new Set(
      parseSamples(text)
        .filter((s) => s.name === REQUESTS)
        .map((s) => s.labels.endpoint),
    );
    const routes = 9; // items GET/POST share a template; see fixture.controllers.ts
    expect(endpoints.size).toBeLessThanOrEqual(routes + 1);
    expect(
      [...endpoints].every((e) => e === 'unmatched' || e?.startsWith('/api/')),
    ).toBe(true);
    // 1,000 junk paths + /no/such/route + /api/metrics from the tests above.
    expect(
      valueOf(text, REQUESTS, { endpoint: 'unmatched', method: 'GET' }),
    ).toBe(1_002);
  });
});

describe('endpoint labels', () => {
  it('are identical on Express and Fastify', () => {
    expect(endpointsByAdapter.get('express')).toBeDefined();
    expect(endpointsByAdapter.get('fastify')).toEqual(
      endpointsByAdapter.get('express'),
    );
  });
});
