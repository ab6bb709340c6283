import { join } from 'node:path';
import {
  type Adapter,
  REPO_ROOT,
  type RunningFixture,
  startFixture,
} from './fixture-process';

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

export interface LoggingFixture extends RunningFixture {
  /** Every complete stdout line, each parsed; throws naming the first that is not JSON. */
  lines: () => LogLine[];
  /** Resolves with the first line matching, polling for at most `timeoutMs`. */
  waitFor: (
    match: (line: LogLine) => boolean,
    timeoutMs?: number,
  ) => Promise<LogLine>;
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
  const app = await startFixture({
    adapter,
    options,
    entry: LOGGING_FIXTURE_MAIN,
    env: {
      OTEL_TRACES_EXPORTER: traces ? 'otlp' : 'none',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:9/v1/traces',
      ...env,
    },
  });
  const lines = () => parseLines(app.stdout());
  return {
    ...app,
    lines,
    waitFor: (match, timeoutMs = 10_000) =>
      waitForLine(lines, match, timeoutMs),
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
