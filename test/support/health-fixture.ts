import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  type Adapter,
  REGISTER,
  REPO_ROOT,
  type RunningFixture,
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

/**
 * Starts the health fixture app (SDK preloaded, as `startFixture` does) with module
 * options and environment. Unlike `startFixture`, a fixture that fails to start within
 * 60 s is killed, so a slow machine cannot leave orphans that keep Jest from exiting.
 */
export async function startHealthFixture(
  adapter: Adapter,
  options: object,
  env: HealthFixtureEnv = {},
): Promise<RunningFixture> {
  const child = spawn(process.execPath, ['--import', REGISTER, HEALTH_MAIN], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NO_COLOR: '1',
      OTEL_TRACES_EXPORTER: 'none',
      PORT: '0',
      ADAPTER: adapter,
      FIXTURE_OPTIONS: JSON.stringify(options),
      ...Object.fromEntries(
        Object.entries(env).filter(([, v]) => v !== undefined),
      ),
    },
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`health fixture did not start:\n${output}`)),
        60_000,
      );
      child.stdout?.on('data', () => {
        const match = /FIXTURE_LISTENING (\d+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`health fixture exited with ${code}:\n${output}`));
      });
    });
    child.removeAllListeners('exit');
    return {
      port,
      pid: child.pid ?? 0,
      url: (path) => `http://127.0.0.1:${port}${path}`,
      output: () => output,
      stop: () => stopChild(child, 'SIGTERM'),
    };
  } catch (error) {
    await stopChild(child, 'SIGKILL');
    throw error;
  }
}

/** Sends `signal` and waits for the exit; SIGKILL after 10 s. */
function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
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
