// Starts one benchmark app variant in its own process and reads its CPU and memory from /proc.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ROOT } from './paths.mjs';
import { variantOf } from './variants.mjs';

export { ROOT };
const MAIN = join(ROOT, 'dist', 'test', 'fixtures', 'bench', 'main.js');
const CLK_TCK = 100;

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** User + system CPU in a /proc stat file, µs. */
function cpuMicros(statFile) {
  const fields = readFileSync(statFile, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / CLK_TCK) * 1e6;
}

/**
 * Starts `variant` (bench/lib/variants.mjs) on `adapter` with `nodeBin` (default: the Node
 * running the bench); resolves once it answers HTTP. `nodeArgs` go before the script; the
 * app's stdout goes to `stdout` (a file descriptor, for `--trace-gc`), by default nowhere.
 */
export async function startApp({
  variant,
  adapter,
  sinkUrl,
  nodeArgs = [],
  nodeBin = process.execPath,
  stdout = 'ignore',
}) {
  const port = await freePort();
  const { app, preload, env: variantEnv } = variantOf(variant);
  const args = [...nodeArgs, ...preload, MAIN];
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    PORT: String(port),
    ADAPTER: adapter,
    BENCH_VARIANT: app,
    OTEL_SERVICE_NAME: 'prs-bench',
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT:
      sinkUrl ?? 'http://127.0.0.1:9/v1/traces',
    ...variantEnv,
  };
  const child = spawn(nodeBin, args, {
    cwd: ROOT,
    env,
    stdio: ['ignore', stdout, 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${variant}/${adapter} exited: ${stderr}`);
    try {
      if ((await fetch(`${url}/api/items/1`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`${variant}/${adapter} did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    pid: child.pid,
    /** User + system CPU of the whole process (all threads), µs. */
    cpuMicros: () => cpuMicros(`/proc/${child.pid}/stat`),
    /** The same for the main (JavaScript) thread alone. */
    mainThreadCpuMicros: () =>
      cpuMicros(`/proc/${child.pid}/task/${child.pid}/stat`),
    /** CPU µs per thread name (main thread: `main`; V8's, libuv's and worker threads by name). */
    threadCpuMicros: () => {
      const byName = new Map();
      for (const tid of readdirSync(`/proc/${child.pid}/task`)) {
        try {
          const dir = `/proc/${child.pid}/task/${tid}`;
          const name =
            Number(tid) === child.pid
              ? 'main'
              : readFileSync(`${dir}/comm`, 'utf8').trim();
          byName.set(name, (byName.get(name) ?? 0) + cpuMicros(`${dir}/stat`));
        } catch {
          // the thread ended between the listing and the read
        }
      }
      return byName;
    },
    memory: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = (key) =>
        Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) *
        1024;
      return { rss: kb('VmRSS'), peak: kb('VmHWM') };
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Runs `use` with a started app and stops the app afterwards, whatever happened. */
export async function withApp(options, use) {
  const app = await startApp(options);
  try {
    return await use(app);
  } finally {
    await app.stop();
  }
}
