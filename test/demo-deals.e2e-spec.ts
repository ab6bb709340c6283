import { ADAPTERS, type RunningFixture } from './support/fixture-process';
import {
  type DemoClient,
  eventGrowth,
  growth,
  RUN_ID,
} from './support/demo-client';
import { startDemo } from './support/demo-app';

const HTTP = 'prs_http_requests_total';
const QUERIES = 'prs_database_queries_total';
const MAX_ID = 2_147_483_647;

describe.each(ADAPTERS)('PRS demo deals on %s', (adapter) => {
  let app: RunningFixture;
  let api: DemoClient;
  let alice: string;
  let carol: string;

  beforeAll(async () => {
    ({ app, api } = await startDemo(adapter));
    alice = await api.login('alice');
    carol = await api.login('carol');
  }, 120_000);
  afterAll(() => app?.stop());

  it('creates, reads through the cache, lists, updates and deletes a deal', async () => {
    const before = await api.metrics();
    const input = {
      client: `E2E ${RUN_ID}`,
      title: 'Annual',
      amount: 2500.5,
      currency: 'EUR',
    };
    const created = await api.post('/api/deals', input, alice);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      ...input,
      paid_amount: 0,
      outstanding: 2500.5,
      stage: 'open',
      owner_id: 1,
    });
    const path = `/api/deals/${created.body.id}`;
    const first = await api.get(path);
    const second = await api.get(path);
    expect([
      first.headers.get('x-cache'),
      second.headers.get('x-cache'),
    ]).toEqual(['MISS', 'HIT']);
    expect(second.body).toEqual(created.body);
    const list = await api.get('/api/deals?limit=100');
    expect(list.body.map((d: { id: number }) => d.id)).toContain(
      created.body.id,
    );
    const patched = await api.call('PATCH', path, {
      body: { stage: 'won', title: 'Renewed' },
      token: alice,
    });
    expect(patched.body).toMatchObject({ stage: 'won', title: 'Renewed' });
    const reread = await api.get(path);
    expect([reread.headers.get('x-cache'), reread.body.title]).toEqual([
      'MISS',
      'Renewed',
    ]);
    expect((await api.call('DELETE', path, { token: alice })).status).toBe(403);
    expect((await api.call('DELETE', path, { token: carol })).status).toBe(204);
    expect((await api.get(path)).status).toBe(404);
    const after = await api.metrics();
    expect(eventGrowth(before, after, 'deal_creation')).toEqual({
      success: 1,
      failure: 0,
    });
    expect(
      growth(before, after, HTTP, {
        method: 'POST',
        endpoint: '/api/deals',
        status_code: '201',
      }),
    ).toBe(1);
    expect(
      growth(before, after, HTTP, {
        method: 'GET',
        endpoint: '/api/deals/:id',
        status_code: '200',
      }),
    ).toBe(3);
    expect(
      growth(before, after, HTTP, {
        method: 'DELETE',
        endpoint: '/api/deals/:id',
        status_code: '204',
      }),
    ).toBe(1);
    expect(
      growth(before, after, QUERIES, {
        operation: 'insert',
        table: 'prs_demo.deals',
      }),
    ).toBe(1);
    expect(
      growth(before, after, QUERIES, {
        operation: 'update',
        table: 'prs_demo.deals',
      }),
    ).toBe(1);
    expect(
      growth(before, after, QUERIES, {
        operation: 'delete',
        table: 'prs_demo.deals',
      }),
    ).toBe(1);
    expect(
      growth(before, after, 'prs_cache_operations_total', {
        command: 'get',
        status: 'success',
      }),
    ).toBe(4);
  });

  it('answers 400 with every invalid field, and 404 for unknown deals', async () => {
    const before = await api.metrics();
    const invalid = await api.post(
      '/api/deals',
      { client: '', amount: 1.234, currency: 'usd', stage: 'x' },
      alice,
    );
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'stage',
      'client',
      'title',
      'amount',
      'currency',
    ]);
    for (const id of ['abc', '0', String(MAX_ID + 1)])
      expect((await api.get(`/api/deals/${id}`)).status).toBe(400);
    expect((await api.get(`/api/deals/${MAX_ID}`)).status).toBe(404);
    expect((await api.get('/api/deals?limit=0')).status).toBe(400);
    expect(
      (await api.call('PATCH', '/api/deals/1', { body: {}, token: alice }))
        .status,
    ).toBe(400);
    const after = await api.metrics();
    expect(eventGrowth(before, after, 'deal_creation')).toEqual({
      success: 0,
      failure: 1,
    });
    expect(
      growth(before, after, HTTP, {
        method: 'GET',
        endpoint: '/api/deals/:id',
        status_code: '400',
      }),
    ).toBe(3);
    expect(
      growth(before, after, HTTP, {
        method: 'GET',
        endpoint: '/api/deals/:id',
        status_code: '404',
      }),
    ).toBe(1);
    expect(
      growth(before, after, QUERIES, {
        operation: 'insert',
        table: 'prs_demo.deals',
      }),
    ).toBe(0);
  });
});
