import { randomBytes } from 'node:crypto';
import { parseSamples } from './exposition';

/** Password of the demo's seeded users (alice, bob: sales; carol: manager). */
export const DEMO_PASSWORD = 'prs-demo';

/** A unique suffix per test run, so reruns against one database never collide. */
export const RUN_ID = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

/** The test database of the machine (README: trust auth, database `test`). */
export const TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A parsed JSON body or log line. Tests assert on these with `toMatchObject` rather
 * than typing every response shape.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface Reply {
  status: number;
  body: Json;
  headers: Headers;
}

/** JSON calls to a running demo. */
export class DemoClient {
  constructor(private readonly base: (path: string) => string) {}

  async call(
    method: string,
    path: string,
    options: { body?: unknown; token?: string } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = {};
    if (options.body !== undefined)
      headers['content-type'] = 'application/json';
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const res = await fetch(this.base(path), {
      method,
      headers,
      body:
        options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(20_000),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body, headers: res.headers };
  }

  get = (path: string, token?: string) => this.call('GET', path, { token });
  post = (path: string, body: unknown, token?: string) =>
    this.call('POST', path, { body, token });

  async login(username: string, password = DEMO_PASSWORD): Promise<string> {
    const reply = await this.post('/api/auth/login', { username, password });
    if (reply.status !== 200)
      throw new Error(
        `login ${username}: ${reply.status} ${JSON.stringify(reply.body)}`,
      );
    return reply.body.token as string;
  }

  async createDeal(token: string, amount = 1000): Promise<Json> {
    const reply = await this.post(
      '/api/deals',
      { client: `E2E ${RUN_ID}`, title: 'Test deal', amount, currency: 'USD' },
      token,
    );
    if (reply.status !== 201)
      throw new Error(
        `create deal: ${reply.status} ${JSON.stringify(reply.body)}`,
      );
    return reply.body;
  }

  async metrics(): Promise<string> {
    const res = await fetch(this.base('/metrics'), {
      signal: AbortSignal.timeout(20_000),
    });
    if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
    return res.text();
  }
}

/** Sum of the samples of `name` whose labels include `labels` (0 when none). */
export function sampleSum(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number {
  return parseSamples(text)
    .filter(
      (s) =>
        s.name === name &&
        Object.entries(labels).every(([k, v]) => s.labels[k] === v),
    )
    .reduce((sum, s) => sum + s.value, 0);
}

/** How much `name{labels}` grew between two scrapes. */
export function growth(
  before: string,
  after: string,
  name: string,
  labels: Record<string, string> = {},
): number {
  return sampleSum(after, name, labels) - sampleSum(before, name, labels);
}

/** Business events recorded between two scrapes, as `{ success, failure }`. */
export function eventGrowth(before: string, after: string, eventType: string) {
  const of = (status: string) =>
    growth(before, after, 'prs_business_events_total', {
      event_type: eventType,
      status,
    });
  return { success: of('success'), failure: of('failure') };
}

/** The JSON lines of a process's output (other lines are returned in `other`). */
export function jsonLines(output: string): {
  lines: Record<string, Json>[];
  other: string[];
} {
  const lines: Record<string, Json>[] = [];
  const other: string[] = [];
  for (const line of output.split('\n')) {
    if (line.trim() === '') continue;
    try {
      lines.push(JSON.parse(line) as Record<string, Json>);
    } catch {
      other.push(line);
    }
  }
  return { lines, other };
}

/** Polls `probe` every 100 ms until it returns true; throws `message` after `timeoutMs`. */
export async function eventually(
  probe: () => Promise<boolean> | boolean,
  timeoutMs: number,
  message: string,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await Promise.resolve(probe()).catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(message);
}
