import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signal, sleep } from './cluster-fixture';
import { valueOf } from './exposition';
import {
  type Adapter,
  baseFixtureEnv,
  REGISTER,
  REPO_ROOT,
} from './fixture-process';
import { freePort } from './prometheus-server';

const PM2_BIN = join(REPO_ROOT, 'node_modules', 'pm2', 'bin', 'pm2');
/** The cluster fixture's worker: a plain Nest app listening on PORT. */
const WORKER = join(
  REPO_ROOT,
  'dist',
  'test',
  'fixtures',
  'cluster',
  'worker.js',
);
const APP = 'prs-pm2-fixture';

export interface Pm2FixtureOptions {
  adapter?: Adapter;
  instances?: number;
  collectTimeoutMs?: number;
  pushIntervalMs?: number;
  workerLabel?: boolean;
}

/** One PM2 instance as `pm2 jlist` reports it. */
export interface Pm2Instance {
  id: number;
  pid: number;
  status: string;
}

/** A PM2 daemon (its own PM2_HOME) running the fixture app in cluster mode. */
export interface Pm2Fixture {
  appUrl: (path: string) => string;
  /** The group directory the instances share. */
  groupDir: string;
  instances: () => Promise<Pm2Instance[]>;
  /** The instances' stdout and stderr (PM2's log files). */
  logs: () => Promise<string>;
  /** SIGCONT to every instance seen, `pm2 kill`, SIGKILL leftovers, temp dir removed. */
  stop: () => Promise<void>;
}

/**
 * `pm2 start` of an ecosystem file like the one in docs/cluster.md: `exec_mode: 'cluster'`,
 * `instances` Nest apps preloaded with the SDK, sharing one port. Resolves once a scrape
 * reports every instance responding (at most 120 s); on failure everything is stopped.
 */
export async function startPm2Fixture(
  options: Pm2FixtureOptions = {},
): Promise<Pm2Fixture> {
  const home = await mkdtemp(join(tmpdir(), 'prs-pm2-'));
  const groupDir = join(home, 'group');
  const port = await freePort();
  const count = options.instances ?? 4;
  const ecosystem = {
    apps: [
      {
        name: APP,
        script: WORKER,
        cwd: REPO_ROOT,
        exec_mode: 'cluster',
        instances: count,
        node_args: ['--import', REGISTER],
        kill_timeout: 15_000,
        merge_logs: true,
        out_file: join(home, 'out.log'),
        error_file: join(home, 'err.log'),
        env: {
          ...baseFixtureEnv(),
          PORT: String(port),
          ADAPTER: options.adapter ?? 'express',
          FIXTURE_OPTIONS: JSON.stringify({ logging: { requestLog: false } }),
          PRS_OBSERVABILITY_PM2: JSON.stringify({
            dir: groupDir,
            collectTimeoutMs: options.collectTimeoutMs ?? 1_000,
            pushIntervalMs: options.pushIntervalMs ?? 5_000,
            workerLabel: options.workerLabel ?? false,
          }),
        },
      },
    ],
  };
  const file = join(home, 'ecosystem.config.js');
  await writeFile(file, `module.exports = ${JSON.stringify(ecosystem)};\n`);
  const pm2 = (...args: string[]) => runPm2(home, args);
  const seen = new Set<number>();
  const instances = async (): Promise<Pm2Instance[]> => {
    const list = parseJlist(await pm2('jlist'));
    for (const { pid } of list) if (pid > 0) seen.add(pid);
    return list;
  };
  const stop = async (): Promise<void> => {
    await instances().catch(() => undefined);
    for (const pid of seen) signal(pid, 'SIGCONT');
    await pm2('kill').catch(() => undefined);
    const daemon = Number(
      await readFile(join(home, 'pm2.pid'), 'utf8').catch(() => ''),
    );
    for (const pid of [...seen, daemon]) if (pid > 0) signal(pid, 'SIGKILL');
    await rm(home, { recursive: true, force: true });
  };
  const appUrl = (path: string) => `http://127.0.0.1:${port}${path}`;
  const logs = async () => {
    let text = '';
    for (const name of await readdir(home).catch(() => []))
      if (name.endsWith('.log'))
        text += await readFile(join(home, name), 'utf8').catch(() => '');
    return text;
  };
  try {
    await pm2('start', file);
    const deadline = Date.now() + 120_000;
    for (;;) {
      const answer = await scrapeOnce(appUrl('/metrics'), 5_000);
      if (
        answer?.status === 200 &&
        valueOf(answer.body, 'prs_cluster_workers', { state: 'responding' }) ===
          count
      )
        break;
      if (Date.now() > deadline)
        throw new Error(`PM2 app did not start in 120 s:\n${await logs()}`);
      await sleep(500);
    }
    await instances();
  } catch (error) {
    await stop();
    throw error;
  }
  return { appUrl, groupDir, instances, logs, stop };
}

/** One GET on a fresh connection (PM2's primary hands each connection to the next instance). */
export function scrapeOnce(
  url: string,
  timeoutMs: number,
): Promise<{ status: number; body: string } | undefined> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve(undefined));
    });
    req.setTimeout(timeoutMs, () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

function runPm2(home: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [PM2_BIN, ...args],
      {
        cwd: REPO_ROOT,
        env: { ...baseFixtureEnv(), PM2_HOME: home },
        timeout: 60_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) =>
        error
          ? reject(
              new Error(`pm2 ${args[0]} failed: ${stderr || error.message}`),
            )
          : resolve(stdout),
    );
  });
}

function parseJlist(text: string): Pm2Instance[] {
  const start = text.indexOf('[');
  if (start < 0) return [];
  const list = JSON.parse(text.slice(start)) as {
    pm_id: number;
    pid: number;
    pm2_env?: { status?: string };
  }[];
  return list.map((p) => ({
    id: p.pm_id,
    pid: p.pid,
    status: p.pm2_env?.status ?? 'unknown',
  }));
}
