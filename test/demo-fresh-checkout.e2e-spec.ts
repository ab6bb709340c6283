import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { TEST_DATABASE_URL } from './support/demo-client';
import { DEMO_READY, REPO_ROOT } from './support/fixture-process';

const MINUTE = 60_000;

/** Runs a command to completion; rejects with its output on failure or after `timeoutMs`. */
function run(
  command: string,
  args: string[],
  cwd: string,
  timeoutMs: number,
  path = process.env.PATH ?? '',
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        cwd,
        env: { ...process.env, PATH: path },
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) =>
        error
          ? reject(
              new Error(
                `${command} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`,
              ),
            )
          : resolve(stdout),
    );
  });
}

/** Stops the process group started with `detached: true` (npm, its shell and node). */
function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid)
    return Promise.resolve();
  const pid = child.pid;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    process.kill(-pid, 'SIGTERM');
  });
}

/** PATH as a newcomer's shell has it: without the npm scripts' node_modules/.bin entries. */
const machinePath = (process.env.PATH ?? '')
  .split(delimiter)
  .filter((dir) => !dir.includes('node_modules'))
  .join(delimiter);

/** The Node.js the project pins for its npm scripts (root devDependency `node`). */
const PINNED = (
  JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    devDependencies: Record<string, string>;
  }
).devDependencies.node;

// Only committed files are cloned: this checks what a newcomer gets from the repository.
describe('fresh checkout: README setup, then npm run demo', () => {
  let dir: string;
  let demo: ChildProcess | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'prs-fresh-checkout-'));
  });
  afterAll(async () => {
    if (demo) await stopGroup(demo);
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it(
    'clones, installs, builds, boots on the pinned Node.js, and serves /health/live and prs_ metrics',
    async () => {
      const repo = join(dir, 'repo');
      await run(
        'git',
        ['clone', '--quiet', '--depth', '1', `file://${REPO_ROOT}`, repo],
        dir,
        2 * MINUTE,
      );
      await run(
        'npm',
        ['ci', '--prefer-offline', '--no-audit', '--no-fund'],
        repo,
        5 * MINUTE,
        machinePath,
      );
      demo = spawn('npm', ['run', 'demo'], {
        cwd: repo,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          PATH: machinePath,
          HOME: process.env.HOME ?? '',
          NO_COLOR: '1',
          PORT: '0',
          DATABASE_URL: TEST_DATABASE_URL,
          OTEL_TRACES_EXPORTER: 'none',
        },
      });
      let output = '';
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(`npm run demo did not start in 5 min:\n${output}`),
            ),
          5 * MINUTE,
        );
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          const match = DEMO_READY.exec(output);
          if (match) {
            clearTimeout(timer);
            resolve(Number(match[1]));
          }
        };
        demo?.stdout?.on('data', onData);
        demo?.stderr?.on('data', onData);
        demo?.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`npm run demo exited with ${code}:\n${output}`));
        });
      });
      // The machine's own node may be anything (Node 20 here); the demo runs on the pinned one.
      expect(output).toContain(`Runtime: Node.js v${PINNED}`);
      const live = await fetch(`http://127.0.0.1:${port}/health/live`, {
        signal: AbortSignal.timeout(20_000),
      });
      expect(live.status).toBe(200);
      const metrics = await fetch(`http://127.0.0.1:${port}/metrics`, {
        signal: AbortSignal.timeout(20_000),
      });
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toMatch(/^prs_/m);
      await stopGroup(demo);
      demo = undefined;
    },
    14 * MINUTE,
  );
});
