import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { type Adapter, REGISTER, REPO_ROOT } from './fixture-process';

export const LOGGING_FIXTURE_MAIN = join(
  REPO_ROOT,
  'dist',
  'test',
  'fixtures',
  'logging',
  'main.js',
);

/** One parsed JSON log line. */
export type LogLine = Record<string, unknown> & {
  level: string;
  timestamp: string;
  logger: string;
  message: string;
  correlation_id?: string;
  trace_id?: string;
  span_id?: string;
  request?: Record<string, unknown>;
};

export interface LoggingFixture {
  port: number;
  child: ChildProcess;
  url: (path: string) => string;
  /** Raw stdout so far. */
  stdout: () => string;
  stderr: () => string;
  /** Every complete stdout line, each parsed; throws naming the first that is not JSON. */
  lines: () => LogLine[];
  /** Resolves with the first line matching, polling for at most `timeoutMs`. */
  waitFor: (
    match: (line: LogLine) => boolean,
    timeoutMs?: number,
  ) => Promise<LogLine>;
  stop: () => Promise<void>;
}

/**
 * Starts the logging fixture with the SDK preloaded and resolves once it logged its
 * port. `traces: true` gives requests trace ids; point
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (in `env`) at an OTLP receiver to see the spans,
 * else they go to a closed port (silent, but shutdown then waits out the SDK's 5 s bound).
 */
export async function startLoggingFixture(
  adapter: Adapter,
  options: object = {},
  {
    traces = false,
    env = {},
  }: { traces?: boolean; env?: Record<string, string> } = {},
): Promise<LoggingFixture> {
  const child = spawn(
    process.execPath,
    ['--import', REGISTER, LOGGING_FIXTURE_MAIN],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NO_COLOR: '1',
        OTEL_TRACES_EXPORTER: traces ? 'otlp' : 'none',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:9/v1/traces',
        ADAPTER: adapter,
        FIXTURE_OPTIONS: JSON.stringify(options),
        ...env,
      },
    },
  );
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`fixture did not start:\n${out}\n${err}`)),
      30_000,
    );
    const poll = setInterval(() => {
      const match = /FIXTURE_LISTENING (\d+)/.exec(out);
      if (match) done(() => resolve(Number(match[1])));
    }, 20);
    const done = (then: () => void) => {
      clearTimeout(timer);
      clearInterval(poll);
      child.removeAllListeners('exit');
      then();
    };
    child.once('exit', (code) =>
      done(() =>
        reject(new Error(`fixture exited with ${code}:\n${out}\n${err}`)),
      ),
    );
  });
  const lines = () => parseLines(out);
  return {
    port,
    child,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    stdout: () => out,
    stderr: () => err,
    lines,
    waitFor: (match, timeoutMs = 10_000) =>
      waitForLine(lines, match, timeoutMs),
    stop: () => stopChild(child),
  };
}

/** Parses every complete line of `text` as JSON; throws on the first that is not. */
export function parseLines(text: string): LogLine[] {
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  return complete
    .split('\n')
    .slice(0, -1)
    .map((line, i) => {
      try {
        return JSON.parse(line) as LogLine;
      } catch {
        throw new Error(`log line ${i + 1} is not JSON: ${line.slice(0, 300)}`);
      }
    });
}

/** Polls `lines()` every 20 ms until one matches, for at most `timeoutMs`. */
export async function waitForLine(
  lines: () => LogLine[],
  match: (line: LogLine) => boolean,
  timeoutMs = 10_000,
): Promise<LogLine> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = lines().find(match);
    if (found) return found;
    if (Date.now() > deadline)
      throw new Error(`no log line matched within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
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
