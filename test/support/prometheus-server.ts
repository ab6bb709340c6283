import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A free loopback port, picked by the OS. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const INSTALL_HINT =
  'apt-get update && apt-get install -y prometheus prometheus-alertmanager prometheus-blackbox-exporter ' +
  'prometheus-postgres-exporter prometheus-redis-exporter';

/** A Prometheus-ecosystem server started by {@link startDaemon}. */
export interface Daemon {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `127.0.0.1:<port>`, as a scrape target or an Alertmanager address. */
  address: string;
  /** Its temp dir (config, storage); removed by `stop()`. */
  dir: string;
  /** Everything it printed so far, for failure messages. */
  output: () => string;
  /** SIGTERM, SIGKILL after 10 s; resolves once it exited and its dir is gone. */
  stop: () => Promise<void>;
}

export interface DaemonOptions {
  /** Executable (a Debian package's binary, on PATH). */
  command: string;
  /** Arguments, given the temp dir and the loopback port it must listen on. */
  args: (dir: string, port: number) => string[];
  /** Files written into the temp dir before the start (name → content). */
  files?: Record<string, string>;
  /** Environment beyond PATH and HOME (the daemon sees nothing else of ours). */
  env?: Record<string, string>;
  /** Path that answers 200 once it is ready. */
  readyPath?: string;
  readyTimeoutMs?: number;
}

/**
 * Starts a server binary on a free loopback port with its own temp dir, and waits
 * (bounded) until `readyPath` answers 200. A missing binary fails with the install command.
 */
export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  const dir = mkdtempSync(join(tmpdir(), `prs-${options.command}-`));
  for (const [name, content] of Object.entries(options.files ?? {}))
    writeFileSync(join(dir, name), content);
  const port = await freePort();
  let output = '';
  let spawnError: Error | undefined;
  const child: ChildProcess = spawn(options.command, options.args(dir, port), {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...options.env,
    },
  });
  child.once('error', (error) => (spawnError = error));
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('close', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && !spawnError) {
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  for (;;) {
    const failure = spawnError
      ? (spawnError as NodeJS.ErrnoException).code === 'ENOENT'
        ? `${options.command} is not installed: ${INSTALL_HINT}`
        : `${options.command} failed to start: ${spawnError.message}`
      : child.exitCode !== null
        ? `${options.command} exited with ${child.exitCode}`
        : Date.now() > deadline
          ? `${options.command} not ready within the deadline`
          : undefined;
    if (failure !== undefined) {
      await stop();
      throw new Error(`${failure}:\n${output}`);
    }
    try {
      const res = await fetch(`${url}${options.readyPath ?? '/-/ready'}`, {
        signal: AbortSignal.timeout(2_000),
      });
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    address: `127.0.0.1:${port}`,
    dir,
    output: () => output,
    stop,
  };
}

export interface PrometheusSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** One series' exemplars as `/api/v1/query_exemplars` returns them. */
export interface PrometheusExemplars {
  seriesLabels: Record<string, string>;
  exemplars: {
    labels: Record<string, string>;
    /** The observed value, as a decimal string. */
    value: string;
    /** Seconds since the Unix epoch. */
    timestamp: number;
  }[];
}

/** One active target as `/api/v1/targets` returns it. */
export interface PrometheusTarget {
  labels: Record<string, string>;
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
  lastScrape: string;
}

export interface PrometheusServer extends Daemon {
  /** Instant query; returns the result vector. */
  query(expr: string): Promise<PrometheusSample[]>;
  /**
   * `/api/v1/query_exemplars` between `start` and `end` (seconds since the epoch);
   * needs `features: ['exemplar-storage']`.
   */
  queryExemplars(
    expr: string,
    start: number,
    end: number,
  ): Promise<PrometheusExemplars[]>;
  /** The active scrape targets, with their health and last scrape error. */
  targets(): Promise<PrometheusTarget[]>;
}

/** Extra settings of {@link startPrometheus}. */
export interface PrometheusOptions {
  /** `--enable-feature` names, e.g. `exemplar-storage`. */
  features?: string[];
  /** Further command-line flags. */
  args?: string[];
}

async function getData<T>(url: string, what: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const body = (await res.json()) as {
    status: string;
    data: T;
    error?: string;
  };
  if (body.status !== 'success')
    throw new Error(`${what} failed: ${body.error}`);
  return body.data;
}

/**
 * Starts the real Prometheus server (Debian package) in a temp dir with `config`
 * as prometheus.yml; `files` (rule files, say) are written beside it, so the config
 * can name them by relative path.
 */
export async function startPrometheus(
  config: string,
  files: Record<string, string> = {},
  options: PrometheusOptions = {},
): Promise<PrometheusServer> {
  const daemon = await startDaemon({
    command: 'prometheus',
    files: { ...files, 'prometheus.yml': config },
    args: (dir, port) => [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      ...(options.features?.length
        ? [`--enable-feature=${options.features.join(',')}`]
        : []),
      ...(options.args ?? []),
    ],
  });
  return {
    ...daemon,
    queryExemplars: (expr, start, end) =>
      getData<PrometheusExemplars[]>(
        `${daemon.url}/api/v1/query_exemplars?query=${encodeURIComponent(expr)}` +
          `&start=${start}&end=${end}`,
        `exemplar query ${expr}`,
      ),
    targets: async () =>
      (
        await getData<{ activeTargets: PrometheusTarget[] }>(
          `${daemon.url}/api/v1/targets?state=active`,
          'targets',
        )
      ).activeTargets,
    async query(expr) {
      const res = await fetch(
        `${daemon.url}/api/v1/query?query=${encodeURIComponent(expr)}`,
        { signal: AbortSignal.timeout(10_000) },
      );
      const body = (await res.json()) as {
        status: string;
        data: { resultType: string; result: PrometheusSample[] };
        error?: string;
      };
      if (body.status !== 'success')
        throw new Error(`query failed: ${body.error} (${expr})`);
      if (body.data.resultType !== 'vector')
        throw new Error(`${expr}: a ${body.data.resultType}, not a vector`);
      return body.data.result;
    },
  };
}

/**
 * Starts the real Alertmanager (Debian package `prometheus-alertmanager`) on loopback
 * with `config` as alertmanager.yml, its storage in the temp dir and clustering off
 * (an empty `--cluster.listen-address`; otherwise it binds 0.0.0.0:9094).
 */
export function startAlertmanager(config: string): Promise<Daemon> {
  return startDaemon({
    command: 'prometheus-alertmanager',
    files: { 'alertmanager.yml': config },
    args: (dir, port) => [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
  });
}

/** Starts the real blackbox exporter (Debian package) on loopback with `configFile`. */
export function startBlackboxExporter(configFile: string): Promise<Daemon> {
  return startDaemon({
    command: 'prometheus-blackbox-exporter',
    readyPath: '/-/healthy',
    args: (_dir, port) => [
      `--config.file=${configFile}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
  });
}

/** Starts the real postgres_exporter (Debian package) on loopback against `databaseUrl`. */
export function startPostgresExporter(databaseUrl: string): Promise<Daemon> {
  return startDaemon({
    command: 'prometheus-postgres-exporter',
    readyPath: '/metrics',
    env: { DATA_SOURCE_NAME: databaseUrl },
    args: (_dir, port) => [`--web.listen-address=127.0.0.1:${port}`],
  });
}

/** Starts the real redis_exporter (Debian package) on loopback against `redisUrl`. */
export function startRedisExporter(redisUrl: string): Promise<Daemon> {
  return startDaemon({
    command: 'prometheus-redis-exporter',
    readyPath: '/metrics',
    args: (_dir, port) => [
      '-web.listen-address',
      `127.0.0.1:${port}`,
      '-redis.addr',
      redisUrl,
    ],
  });
}
