// @ts-check
/**
 * What the `demo:traffic` scenarios share: the HTTP call shape, tokens, and the deals
 * the run created with their outstanding balances.
 *
 * @typedef {{ method?: string; path: string; body?: unknown; token?: string }} Call
 * @typedef {{ status: number; body: any }} Reply
 * @typedef {(call: Call, as?: string) => Promise<Reply>} Send
 *   Sends one request, recorded under the running scenario (or the scenario named `as`).
 * @typedef {{ name: string; weight: number; expect: number[]; run: (send: Send) => Promise<void> }} Scenario
 */

const SEEDED = [
  { username: 'alice', password: 'prs-demo' },
  { username: 'bob', password: 'prs-demo' },
];
const MANAGER = { username: 'carol', password: 'prs-demo' };
export const CLIENTS = [
  'Acme Ltd',
  'Globex',
  'Initech',
  'Umbrella',
  'Hooli',
  'Stark Industries',
];

/** @template T @param {readonly T[]} list @returns {T} */
export const pick = (list) =>
  /** @type {T} */ (list[Math.floor(Math.random() * list.length)]);
/** @param {number} min @param {number} max */
export const between = (min, max) =>
  Math.round((min + Math.random() * (max - min)) * 100) / 100;

/** State shared by the scenarios: tokens, the deals created and their balances. */
export class TrafficState {
  /** @param {string} runId */
  constructor(runId) {
    this.runId = runId;
    this.users = [...SEEDED];
    /** @type {string[]} */
    this.salesTokens = [];
    this.managerToken = '';
    /** @type {Map<number, number>} deal id -> outstanding */
    this.deals = new Map();
    this.registered = 0;
  }

  /** Logs the seeded users in; throws when the demo does not answer as expected. @param {Send} send */
  async setUp(send) {
    for (const user of [...SEEDED, MANAGER]) {
      const reply = await send({
        method: 'POST',
        path: '/api/auth/login',
        body: user,
      });
      if (reply.status !== 200)
        throw new Error(
          `login as ${user.username} answered ${reply.status}; is the demo running?`,
        );
      if (user === MANAGER) this.managerToken = reply.body.token;
      else this.salesTokens.push(reply.body.token);
    }
  }

  salesToken() {
    return pick(this.salesTokens);
  }

  /** A deal with at least `amount` outstanding, if the run created one. @param {number} amount */
  payableDeal(amount) {
    const ids = [...this.deals.entries()]
      .filter(([, left]) => left >= amount)
      .map(([id]) => id);
    return ids.length ? pick(ids) : undefined;
  }
}
