import { execFile } from 'node:child_process';
import { REPO_ROOT } from './fixture-process';

export interface TrafficRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The `TRAFFIC_SUMMARY` JSON line that `--json` prints. */
export interface TrafficSummary {
  total: number;
  errors: number;
  unexpected: number;
  classes: Record<string, number>;
  scenarios: Record<
    string,
    { count: number; statuses: Record<string, number> }
  >;
}

/**
 * `npm run demo:traffic -- <args>` against `target` (`DEMO_URL`, or `PORT`/`HOST` as
 * `npm run demo` reads them, none of them inherited from this process), killed after
 * 90 s at worst.
 */
export function traffic(
  target: string | { PORT?: string; HOST?: string },
  args: string[],
): Promise<TrafficRun> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DEMO_URL;
  delete env.PORT;
  delete env.HOST;
  Object.assign(
    env,
    typeof target === 'string' ? { DEMO_URL: target } : target,
  );
  return new Promise((resolve) => {
    execFile(
      'npm',
      ['run', '--silent', 'demo:traffic', '--', ...args],
      {
        cwd: REPO_ROOT,
        env,
        timeout: 90_000,
      },
      (error, stdout, stderr) =>
        resolve({
          code: error ? ((error.code as number | undefined) ?? 1) : 0,
          stdout,
          stderr,
        }),
    );
  });
}

/** The summary line of a `--json` run, parsed (`{}` when the line is missing). */
export function trafficSummary(run: TrafficRun): TrafficSummary {
  const line = run.stdout
    .split('\n')
    .find((l) => l.startsWith('TRAFFIC_SUMMARY '));
  return JSON.parse(
    line?.slice('TRAFFIC_SUMMARY '.length) ?? '{}',
  ) as TrafficSummary;
}
