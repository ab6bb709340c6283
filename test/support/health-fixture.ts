import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  type Adapter,
  REPO_ROOT,
  type RunningFixture,
  startFixture,
} from './fixture-process';

export const HEALTH_MAIN = join(
  REPO_ROOT,
  'dist',
  'test',
  'fixtures',
  'health',
  'main.js',
);
export const REAL_PG_URL = `postgres://${process.env.PGUSER ?? 'postgres'}@127.0.0.1:5432/test`;
export const REAL_REDIS_PORT = '6379';

/** Environment of the health fixture (see test/fixtures/health). */
export interface HealthFixtureEnv {
  HEALTH_PG_URL?: string;
  HEALTH_PG_MODE?: 'pool' | 'connectionString';
  HEALTH_REDIS_PORT?: string;
  HEALTH_APP_CHECK?: 'users' | 'canary' | 'hang';
  HEALTH_CANARY_URL?: string;
  HEALTH_CANARY_PW?: string;
  FIXTURE_GLOBAL_GUARD?: 'deny';
}

/** Starts the health fixture app with module options and environment. */
export function startHealthFixture(
  adapter: Adapter,
  options: object,
  env: HealthFixtureEnv = {},
): Promise<RunningFixture> {
  return startFixture({
    adapter,
    options,
    entry: HEALTH_MAIN,
    env: Object.fromEntries(
      Object.entries(env).filter(
        (entry): entry is [string, string] => entry[1] !== undefined,
      ),
    ),
  });
}

/** A probe answer with its latency, seen by the client and (Server-Timing) by the server. */
export interface Answer {
  status: number;
  body: unknown;
  ms: number;
  serverMs?: number;
}

/** The `health;dur=` value of a Server-Timing header. */
export function serverTiming(
  header: string | string[] | null | undefined,
): number | undefined {
  const value = Array.isArray(header) ? header.join(',') : header;
  const match = /health;dur=([\d.]+)/.exec(value ?? '');
  return match ? Number(match[1]) : undefined;
}

/** GETs `url` and measures the time to the full body; every request bounded by 10 s. */
export async function timedGet(
  url: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const start = performance.now();
  const res = await fetch(url, {
    headers,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  const ms = performance.now() - start;
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // non-JSON bodies are compared as text
  }
  return {
    status: res.status,
    body,
    ms,
    serverMs: serverTiming(res.headers.get('server-timing')),
  };
}

/** Polls `url` until `predicate` holds for an answer, at most `timeoutMs`; returns that answer. */
export async function pollUntil(
  url: string,
  predicate: (answer: Answer) => boolean,
  timeoutMs: number,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const until = Date.now() + timeoutMs;
  let last: Answer | undefined;
  while (Date.now() < until) {
    last = await timedGet(url, headers);
    if (predicate(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(
    `${url} never matched within ${timeoutMs} ms; last answer ${JSON.stringify(last)}`,
  );
}

/** Matches an ISO-8601 UTC timestamp. */
export const ISO_TIMESTAMP = expect.stringMatching(
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/,
);
