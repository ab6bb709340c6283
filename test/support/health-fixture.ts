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

/** Starts the health fixture app (SDK preloaded) with module options and environment. */
export function startHealthFixture(
  adapter: Adapter,
  options: object,
  env: HealthFixtureEnv = {},
): Promise<RunningFixture> {
  return startFixture({
    adapter,
    entry: HEALTH_MAIN,
    options,
    env: Object.fromEntries(
      Object.entries(env).filter(([, v]) => v !== undefined),
    ),
  });
}

/** A probe answer with its latency. */
export interface Answer {
  status: number;
  body: unknown;
  ms: number;
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
  return { status: res.status, body, ms };
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
