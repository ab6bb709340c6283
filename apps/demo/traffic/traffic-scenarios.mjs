// @ts-check
/**
 * The mix `demo:traffic` sends: what a day at a small sales team looks like, plus the
 * failures the dashboards and alerts are about (login failures, declined payments,
 * 404s, a few 500s). Weights are relative.
 *
 * @typedef {import('./traffic-state.mjs').Send} Send
 * @typedef {import('./traffic-state.mjs').Call} Call
 * @typedef {import('./traffic-state.mjs').Scenario} Scenario
 */
import { between, CLIENTS, pick, TrafficState } from './traffic-state.mjs';

/** @param {TrafficState} state @returns {Scenario[]} */
export function scenarios(state) {
  /** @param {string} path @param {unknown} body @param {string} [token] @returns {Call} */
  const post = (path, body, token) => ({ method: 'POST', path, body, token });
  /** @param {Send} send */
  const createDeal = async (send) => {
    const body = {
      client: pick(CLIENTS),
      title: `Deal ${state.runId}`,
      amount: between(1_000, 50_000),
      currency: pick(['USD', 'EUR', 'GBP']),
    };
    const reply = await send(
      post('/api/deals', body, state.salesToken()),
      'deal_create',
    );
    if (reply.status === 201)
      state.deals.set(reply.body.id, reply.body.outstanding);
    return reply.status === 201
      ? /** @type {number} */ (reply.body.id)
      : undefined;
  };
  return [
    {
      name: 'login',
      weight: 8,
      expect: [200],
      run: async (send) => {
        const reply = await send(post('/api/auth/login', pick(state.users)));
        if (reply.status === 200) state.salesTokens.push(reply.body.token);
        if (state.salesTokens.length > 50) state.salesTokens.shift();
      },
    },
    {
      name: 'login_failed',
      weight: 3,
      expect: [401],
      run: async (send) => {
        await send(
          post('/api/auth/login', {
            username: pick(state.users).username,
            password: 'wrong-password',
          }),
        );
      },
    },
    {
      name: 'register',
      weight: 1,
      expect: [201],
      run: async (send) => {
        const user = {
          username: `traffic-${state.runId}-${++state.registered}`,
          password: 'prs-demo-traffic',
        };
        if ((await send(post('/api/auth/register', user))).status === 201)
          state.users.push(user);
      },
    },
    {
      name: 'deal_create',
      weight: 10,
      expect: [201],
      run: async (send) => void (await createDeal(send)),
    },
    {
      name: 'deal_invalid',
      weight: 2,
      expect: [400],
      run: async (send) => {
        await send(
          post(
            '/api/deals',
            { client: '', amount: -1, currency: 'dollars' },
            state.salesToken(),
          ),
        );
      },
    },
    {
      name: 'deal_read',
      weight: 30,
      expect: [200],
      run: async (send) => {
        const ids = [...state.deals.keys()];
        await send({
          path: `/api/deals/${ids.length ? pick(ids) : pick([1, 2])}`,
        });
      },
    },
    {
      name: 'deal_list',
      weight: 6,
      expect: [200],
      run: async (send) => void (await send({ path: '/api/deals?limit=20' })),
    },
    {
      name: 'deal_missing',
      weight: 3,
      expect: [404],
      run: async (send) => {
        await send({
          path: `/api/deals/${2_000_000_000 + Math.floor(Math.random() * 1e6)}`,
        });
      },
    },
    // A concurrent payment may have used up the balance first: 422 is a fair answer.
    {
      name: 'payment',
      weight: 12,
      expect: [201, 422],
      run: async (send) => {
        const amount = between(10, 500);
        const id = state.payableDeal(amount) ?? (await createDeal(send));
        if (id === undefined) return;
        const reply = await send(
          post(
            `/api/deals/${id}/payments`,
            { amount, method: 'card', token: 'tok_visa' },
            state.salesToken(),
          ),
        );
        if (reply.status === 201)
          state.deals.set(id, reply.body.deal_outstanding);
      },
    },
    {
      name: 'payment_declined',
      weight: 3,
      expect: [402],
      run: async (send) => {
        const id = state.payableDeal(10) ?? (await createDeal(send));
        await send(
          post(
            `/api/deals/${id ?? 1}/payments`,
            { amount: 10, method: 'card', token: 'tok_chargeDeclined' },
            state.salesToken(),
          ),
        );
      },
    },
    {
      name: 'payment_over_balance',
      weight: 3,
      expect: [422],
      run: async (send) => {
        await send(
          post(
            `/api/deals/${pick([...state.deals.keys(), 1])}/payments`,
            { amount: 999_999_999, method: 'bank_transfer' },
            state.salesToken(),
          ),
        );
      },
    },
    {
      name: 'payment_invalid',
      weight: 1,
      expect: [400],
      run: async (send) => {
        await send(
          post(
            '/api/deals/1/payments',
            { amount: 0, method: 'cheque' },
            state.salesToken(),
          ),
        );
      },
    },
    {
      name: 'commission_run',
      weight: 3,
      expect: [200],
      run: async (send) => {
        await send(
          post(
            '/api/commissions/calculate',
            { period: new Date().toISOString().slice(0, 7) },
            state.managerToken,
          ),
        );
      },
    },
    {
      name: 'bad_token',
      weight: 2,
      expect: [401],
      run: async (send) => {
        await send(
          post(
            '/api/deals',
            { client: 'x', title: 'x', amount: 1, currency: 'USD' },
            'v1.1.sales.1.forged',
          ),
        );
      },
    },
    {
      name: 'debug_fail',
      weight: 1,
      expect: [500],
      run: async (send) => void (await send({ path: '/api/debug/fail' })),
    },
  ];
}
