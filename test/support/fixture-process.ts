import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

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
}

export interface RunningFixture {
  port: number;
  pid: number;
  url: (path: string) => string;
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts the fixture app as users start theirs and resolves once it listens. */
export async function startFixture(
  options: FixtureOptions = {},
): Promise<RunningFixture> {
  const child = spawnFixture(options);
  let output = '';
  const ready = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`fixture did not start:\n${output}`)),
      60_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = (options.readyPattern ?? /FIXTURE_LISTENING (\d+)/).exec(
        output,
      );
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`fixture exited with ${code}:\n${output}`));
    });
  });
  let port: number;
  try {
    port = await ready;
  } catch (error) {
    // A fixture that never became ready must not outlive the test run.
    child.kill('SIGKILL');
    throw error;
  }
  child.removeAllListeners('exit');
  return {
    port,
    pid: child.pid ?? 0,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    output: () => output,
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

function spawnFixture(options: FixtureOptions): ChildProcess {
  const args = options.preload === false ? [] : ['--import', REGISTER];
  return spawn(process.execPath, [...args, options.entry ?? FIXTURE_MAIN], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NO_COLOR: '1',
      OTEL_TRACES_EXPORTER: 'none',
      PORT: '0',
      ADAPTER: options.adapter ?? 'express',
      FIXTURE_OPTIONS: JSON.stringify(options.options ?? {}),
      ...(options.asyncShape ? { FIXTURE_ASYNC: options.asyncShape } : {}),
      ...options.env,
    },
  });
}

function stopChild(child: ChildProcess): Promise<void> {
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
