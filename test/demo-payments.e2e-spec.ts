import { ADAPTERS, type RunningFixture } from './support/fixture-process';
import { type DemoClient, eventGrowth, growth } from './support/demo-client';
import { startDemo } from './support/demo-app';

const HTTP = 'prs_http_requests_total';
const QUERIES = 'prs_database_queries_total';
const MAX_ID = 2_147_483_647;

describe.each(ADAPTERS)(
  'PRS demo payments and commissions on %s',
  (adapter) => {
    let app: RunningFixture;
    let api: DemoClient;
    let alice: string;
    let carol: string;
    let paymentMonth = '';

    beforeAll(async () => {
      ({ app, api } = await startDemo(adapter));
      alice = await api.login('alice');
      carol = await api.login('carol');
    }, 120_000);
    afterAll(() => app?.stop());

    it('takes a payment in one transaction and writes nothing for refused ones', async () => {
      const deal = await api.createDeal(alice, 100);
      const payments = `/api/deals/${deal.id}/payments`;
      const before = await api.metrics();
      const ok = await api.post(
        payments,
        { amount: 40, method: 'card', token: 'tok_visa' },
        alice,
      );
      expect(ok.status).toBe(201);
      expect(ok.body).toMatchObject({
        deal_id: deal.id,
        amount: 40,
        method: 'card',
        deal_outstanding: 60,
      });
      expect(ok.body.processor_ref).toMatch(/^ch_[0-9a-f]{16}$/);
      paymentMonth = (ok.body.created_at as string).slice(0, 7);
      const over = await api.post(
        payments,
        { amount: 60.01, method: 'bank_transfer' },
        alice,
      );
      expect([over.status, over.body.outstanding]).toEqual([422, 60]);
      const declined = await api.post(
        payments,
        { amount: 10, method: 'card', token: 'tok_chargeDeclined' },
        alice,
      );
      expect([declined.status, declined.body.decline_code]).toEqual([
        402,
        'card_declined',
      ]);
      const invalid = await api.post(
        payments,
        { amount: 0, method: 'cheque' },
        alice,
      );
      expect(invalid.status).toBe(400);
      expect(
        (
          await api.post(
            `/api/deals/${MAX_ID}/payments`,
            { amount: 1, method: 'cash' },
            alice,
          )
        ).status,
      ).toBe(404);
      expect(
        (await api.post(payments, { amount: 1, method: 'cash' })).status,
      ).toBe(401);
      const after = await api.metrics();
      expect(eventGrowth(before, after, 'payment_processing')).toEqual({
        success: 1,
        failure: 4,
      });
      expect(
        growth(before, after, QUERIES, {
          operation: 'insert',
          table: 'prs_demo.payments',
        }),
      ).toBe(1);
      expect(
        growth(before, after, QUERIES, {
          operation: 'update',
          table: 'prs_demo.deals',
        }),
      ).toBe(1);
      expect((await api.get(payments, alice)).body).toEqual([
        expect.objectContaining({ id: ok.body.id }),
      ]);
      expect((await api.get(`/api/deals/${deal.id}`)).body).toMatchObject({
        paid_amount: 40,
        outstanding: 60,
      });
      const below = await api.call('PATCH', `/api/deals/${deal.id}`, {
        body: { amount: 30 },
        token: alice,
      });
      expect(below.status).toBe(422);
      expect(
        (await api.call('DELETE', `/api/deals/${deal.id}`, { token: carol }))
          .status,
      ).toBe(409);
    });

    it('never pays a deal past its amount under concurrent payments', async () => {
      const deal = await api.createDeal(alice, 100);
      const replies = await Promise.all(
        Array.from({ length: 8 }, () =>
          api.post(
            `/api/deals/${deal.id}/payments`,
            { amount: 30, method: 'cash' },
            alice,
          ),
        ),
      );
      const statuses = replies.map((r) => r.status).sort();
      expect(statuses).toEqual([201, 201, 201, 422, 422, 422, 422, 422]);
      expect((await api.get(`/api/deals/${deal.id}`)).body).toMatchObject({
        paid_amount: 90,
        outstanding: 10,
      });
    });

    it('calculates commissions for managers only', async () => {
      const before = await api.metrics();
      const run = await api.post(
        '/api/commissions/calculate',
        { period: paymentMonth },
        carol,
      );
      expect(run.status).toBe(200);
      expect(run.body).toMatchObject({ period: paymentMonth, rate: 0.05 });
      const mine = run.body.commissions.find(
        (c: { user_id: number }) => c.user_id === 1,
      );
      expect(mine.sales).toBeGreaterThanOrEqual(130);
      expect(mine.amount).toBeCloseTo(mine.sales * 0.05, 2);
      const custom = await api.post(
        '/api/commissions/calculate',
        { period: paymentMonth, rate: 0.1 },
        carol,
      );
      expect([custom.status, custom.body.rate]).toEqual([200, 0.1]);
      expect(
        (
          await api.post(
            '/api/commissions/calculate',
            { period: paymentMonth },
            alice,
          )
        ).status,
      ).toBe(403);
      const refused = await Promise.all([
        api.post('/api/commissions/calculate', { period: '2026-13' }, carol),
        api.post('/api/commissions/calculate', { period: '2999-01' }, carol),
        api.post(
          '/api/commissions/calculate',
          { period: paymentMonth, rate: 2 },
          carol,
        ),
      ]);
      expect(refused.map((r) => r.status)).toEqual([400, 422, 400]);
      const after = await api.metrics();
      expect(eventGrowth(before, after, 'commission_calculation')).toEqual({
        success: 2,
        failure: 3,
      });
      expect(
        growth(before, after, QUERIES, {
          operation: 'insert',
          table: 'prs_demo.commissions',
        }),
      ).toBe(2);
      expect(
        growth(before, after, HTTP, {
          method: 'POST',
          endpoint: '/api/commissions/calculate',
          status_code: '403',
        }),
      ).toBe(1);
    });
  },
);
