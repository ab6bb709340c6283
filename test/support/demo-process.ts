import { spawn, type ChildProcess } from 'node:child_process';
import { DemoClient } from './demo-client';
import { DEMO_MAIN, DEMO_READY, REGISTER, REPO_ROOT } from './fixture-process';

/** A demo process and a client for it. */
export interface SlowBootDemo {
  url: (path: string) => string;
  api: DemoClient;
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * Starts the demo exactly as `startFixture` does (`node --import <register> main.js`,
 * same base environment), but waits up to `readyTimeoutMs` for the listening line:
 * the embedded Postgres's first start runs initdb in WebAssembly, which takes longer
 * than `startFixture`'s fixed 30 s on a loaded 2-core machine.
 */
export async function startSlowBootDemo(
  env: Record<string, string>,
  readyTimeoutMs = 150_000,
): Promise<SlowBootDemo> {
  const child = spawn(process.execPath, ['--import', REGISTER, DEMO_MAIN], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NO_COLOR: '1',
      OTEL_TRACES_EXPORTER: 'none',
      PORT: '0',
      ...env,
    },
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`demo did not start in ${readyTimeoutMs} ms:\n${output}`),
      );
    }, readyTimeoutMs);
    const check = () => {
      const match = DEMO_READY.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout?.off('data', check);
      resolve(Number(match[1]));
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`demo exited with ${code}:\n${output}`));
    });
  });
  child.removeAllListeners('exit');
  const url = (path: string) => `http://127.0.0.1:${port}${path}`;
  return {
    url,
    api: new DemoClient(url),
    output: () => output,
    stop: () => stop(child),
  };
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
