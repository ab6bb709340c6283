import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import {
  type Adapter,
  baseFixtureEnv,
  REPO_ROOT,
  stopChild,
} from './fixture-process';

const CLUSTER_MAIN = join(
  REPO_ROOT,
  'dist',
  'test',
  'fixtures',
  'cluster',
  'main.js',
);
const READY = /CLUSTER_READY (\d+) (\d+)/;
const WORKER = /CLUSTER_WORKER (\d+) (\d+)/g;

export interface ClusterFixtureOptions {
  adapter?: Adapter;
  workers?: number;
  collectTimeoutMs?: number;
  workerLabel?: boolean;
  /** `business`: workers run the business fixture (its auth guard tracks active users). */
  app?: 'business';
  /** Bearer token the primary's /metrics requires. */
  authToken?: string;
  /** ObservabilityModule options of every worker. */
  options?: object;
  /** More environment for the primary, which its workers inherit. */
  env?: Record<string, string>;
}

/** A running cluster fixture: a primary with `startClusterMetrics()` and its Nest workers. */
export interface ClusterFixture {
  appUrl: (path: string) => string;
  metricsUrl: string;
  child: ChildProcess;
  /** Live and past workers' pids by cluster worker id, as the primary printed them. */
  workers: () => Map<number, number>;
  output: () => string;
  /** SIGCONT to every worker (a stopped one cannot exit), SIGTERM to the primary, SIGKILL leftovers. */
  stop: () => Promise<void>;
}

/** Starts the cluster fixture (not preloaded itself: the primary runs no SDK) and waits for every worker. */
export async function startClusterFixture(
  options: ClusterFixtureOptions = {},
): Promise<ClusterFixture> {
  const child = spawn(process.execPath, [CLUSTER_MAIN], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...baseFixtureEnv(),
      ADAPTER: options.adapter ?? 'express',
      CLUSTER_WORKERS: String(options.workers ?? 4),
      CLUSTER_COLLECT_TIMEOUT_MS: String(options.collectTimeoutMs ?? 1000),
      CLUSTER_WORKER_LABEL: options.workerLabel ? '1' : '0',
      ...(options.app ? { CLUSTER_APP: options.app } : {}),
      ...(options.authToken ? { CLUSTER_AUTH_TOKEN: options.authToken } : {}),
      FIXTURE_OPTIONS: JSON.stringify(
        options.options ?? { logging: { requestLog: false } },
      ),
      ...options.env,
    },
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const workers = (): Map<number, number> =>
    new Map(
      [...output.matchAll(WORKER)].map((m) => [Number(m[1]), Number(m[2])]),
    );
  const stop = async (): Promise<void> => {
    const pids = [...workers().values()];
    for (const pid of pids) signal(pid, 'SIGCONT');
    await stopChild(child);
    for (const pid of pids) signal(pid, 'SIGKILL');
  };
  const ports = await new Promise<[number, number]>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`cluster did not start in 120 s:\n${output}`)),
      120_000,
    );
    const check = () => {
      const match = READY.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolve([Number(match[1]), Number(match[2])]);
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`cluster exited with ${code}:\n${output}`));
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  child.removeAllListeners('exit');
  const [appPort, metricsPort] = ports;
  return {
    appUrl: (path) => `http://127.0.0.1:${appPort}${path}`,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    child,
    workers,
    output: () => output,
    stop,
  };
}

/** Polls `probe` every 200 ms until it returns a value; throws after `timeoutMs`. */
export async function until<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** Sends `name` to `pid`, ignoring a process that is already gone. */
export function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already exited
  }
}

/** What {@link sendRequests} got back. */
export interface LoadResult {
  /** Responses by status code. */
  statuses: Map<number, number>;
  /** Requests sent again after a socket error (no response). */
  retries: number;
}

/**
 * Sends `count` GETs over `connections` keep-alive connections (the cluster hands each
 * connection to a worker, so several connections spread the load) and waits for a
 * response to each: a request that got no response (its worker went away) is sent
 * again. `onResponse` sees the running number of responses.
 */
export async function sendRequests(
  base: string,
  count: number,
  pathFor: (i: number) => string,
  connections = 16,
  onResponse?: (responses: number) => void,
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const statuses = new Map<number, number>();
  let retries = 0;
  let responses = 0;
  let next = 0;
  const loop = async () => {
    while (next < count) {
      const path = pathFor(next++);
      for (;;) {
        const status = await get(agent, base + path);
        if (status !== 0) {
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          onResponse?.(++responses);
          break;
        }
        retries++;
        if (retries > count)
          throw new Error('too many requests got no response');
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: connections }, loop));
  } finally {
    agent.destroy();
  }
  return { statuses, retries };
}

function get(agent: Agent, url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.setTimeout(30_000, () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}
