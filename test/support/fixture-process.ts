import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { FIXTURE_CACHE_PREFIX } from './fixture-db';

export const REPO_ROOT = join(__dirname, '..', '..');
export const FIXTURE_MAIN = join(
  REPO_ROOT,
  'dist',
  'test',
  'fixtures',
  'main.js',
);
export const FIXTURE_ESM_MAIN = join(
  REPO_ROOT,
  'test',
  'fixtures',
  'esm',
  'main.mjs',
);
export const FIXTURE_NO_FLAG_MAIN = join(
  REPO_ROOT,
  'dist',
  'test',
  'fixtures',
  'no-flag-main.js',
);
export const REGISTER = '@prs/nestjs-observability/register';
export const DEMO_MAIN = join(REPO_ROOT, 'dist', 'apps', 'demo', 'main.js');
export const DEMO_READY = /listening on http:\/\/127\.0\.0\.1:(\d+)/;

export type Adapter = 'express' | 'fastify';
export const ADAPTERS: Adapter[] = ['express', 'fastify'];

export interface FixtureOptions {
  adapter?: Adapter;
  /** ObservabilityModule options, passed as JSON. */
  options?: object;
  /** `factory` boots with forRootAsync({ useFactory }). */
  asyncShape?: 'factory';
  /** Preload the SDK with `--import` (default true). */
  preload?: boolean;
  entry?: string;
  env?: Record<string, string>;
  /** Output line that carries the listening port (first capture group). */
  readyPattern?: RegExp;
  /** How long to wait for `readyPattern` before the process is killed (default 60 s). */
  readyTimeoutMs?: number;
}

export interface RunningFixture {
  port: number;
  pid: number;
  child: ChildProcess;
  url: (path: string) => string;
  /** stdout and stderr as they interleaved. */
  output: () => string;
  stdout: () => string;
  stderr: () => string;
  /** SIGTERM, then SIGKILL after 10 s. */
  stop: () => Promise<void>;
}

/**
 * Starts a fixture app (the SDK preloaded, as users start theirs) and resolves once it
 * listens. A process that does not get ready in time is killed, so a slow machine
 * cannot leave orphans that keep Jest from exiting.
 */
export async function startFixture(
  options: FixtureOptions = {},
): Promise<RunningFixture> {
  const child = spawnFixture(options);
  const timeoutMs = options.readyTimeoutMs ?? 60_000;
  const readyPattern = options.readyPattern ?? /FIXTURE_LISTENING (\d+)/;
  let output = '';
  let stdout = '';
  let stderr = '';
  const ready = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new Error(`fixture did not start in ${timeoutMs} ms:\n${output}`),
        ),
      timeoutMs,
    );
    let found = false;
    const check = () => {
      const match = found ? null : readyPattern.exec(output);
      if (match) {
        found = true;
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output += text;
      stdout += text;
      check();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output += text;
      stderr += text;
      check();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`fixture exited with ${code}:\n${output}`));
    });
  });
  let port: number;
  try {
    port = await ready;
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  child.removeAllListeners('exit');
  return {
    port,
    pid: child.pid ?? 0,
    child,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    output: () => output,
    stdout: () => stdout,
    stderr: () => stderr,
    stop: () => stopChild(child),
  };
}

/** Runs the fixture expecting it to fail at startup; resolves with its exit code and output. */
export function runFixtureToExit(
  options: FixtureOptions = {},
): Promise<{ code: number | null; output: string }> {
  const child = spawnFixture(options);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/**
 * The environment every fixture process starts from: no colours, no trace export, and
 * Node's on-disk compile cache when Jest runs with one (jest.config.js sets it): a
 * fixture then starts about a fifth faster, which the suite does hundreds of times.
 */
export function baseFixtureEnv(): NodeJS.ProcessEnv {
  const { NODE_COMPILE_CACHE } = process.env;
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    NO_COLOR: '1',
    OTEL_TRACES_EXPORTER: 'none',
    FIXTURE_CACHE_PREFIX,
    ...(NODE_COMPILE_CACHE ? { NODE_COMPILE_CACHE } : {}),
  };
}

function spawnFixture(options: FixtureOptions): ChildProcess {
  const args = options.preload === false ? [] : ['--import', REGISTER];
  return spawn(process.execPath, [...args, options.entry ?? FIXTURE_MAIN], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...baseFixtureEnv(),
      PORT: '0',
      ADAPTER: options.adapter ?? 'express',
      FIXTURE_OPTIONS: JSON.stringify(options.options ?? {}),
      ...(options.asyncShape ? { FIXTURE_ASYNC: options.asyncShape } : {}),
      ...options.env,
    },
  });
}

/** Sends SIGTERM and waits for the exit; SIGKILL after 10 s. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
