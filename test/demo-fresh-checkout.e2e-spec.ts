import { execFile, spawn, type ChildProcess } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { TEST_DATABASE_URL } from './support/demo-client';
import { DEMO_READY, REPO_ROOT } from './support/fixture-process';
import {
  SCRATCH_MAIN,
  scratchNestDependencies,
} from './support/packed-library';
import { freePort } from './support/prometheus-server';
import { codeBlocks, commandLines, readDoc, section } from './support/readme';

const MINUTE = 60_000;

/** Runs a command to completion; rejects with its output on failure or after `timeoutMs`. */
function run(
  command: string,
  args: string[],
  cwd: string,
  timeoutMs: number,
  path = process.env.PATH ?? '',
  env: Record<string, string> = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        cwd,
        env: { ...process.env, ...env, PATH: path },
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

/** Whether any process of the group `pgid` is still alive (zombies aside). */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops the process group started with `detached: true` (bash, npm and node): SIGTERM,
 * SIGKILL after 15 s; done when the child's exit is seen or the group is gone, 30 s at most.
 */
async function stopGroup(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (!pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => resolve()),
  );
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-pid, name);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  for (let waited = 0; waited < 30_000; waited += 250) {
    const done = await Promise.race([
      exited.then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), 250)),
    ]);
    if (done || !groupAlive(pid)) return;
    if (waited === 15_000) signal('SIGKILL');
  }
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

/** Waits for `pattern` in a child's output; rejects when it exits first or after `timeoutMs`. */
function waitFor(
  child: ChildProcess,
  pattern: RegExp,
  what: string,
  timeoutMs: number,
): Promise<{ match: RegExpExecArray; output: () => string }> {
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${what} did not start in time:\n${output}`)),
      timeoutMs,
    );
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}:\n${output}`));
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve({ match, output: () => output });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

// The README's lines as a reader pastes them: taken from its text, not copied here, so the
// test follows the README when it changes.
const README = readDoc('README.md');
const quickStart = commandLines(
  codeBlocks(section(README, 'Quick start')).find((b) => b.lang === 'bash')
    ?.code ?? '',
);
const usingIt = codeBlocks(section(README, 'Using it in your app')).filter(
  (b) => b.lang === 'bash',
);
const packAndInstall = commandLines(usingIt[0]?.code ?? '');
const startLine = commandLines(usingIt[1]?.code ?? '')[0] ?? '';

/** Environment of a newcomer's shell: the machine's PATH, npm's cache, no colours. */
const shellEnv = (extra: Record<string, string> = {}) => ({
  PATH: machinePath,
  HOME: process.env.HOME ?? '',
  NO_COLOR: '1',
  npm_config_prefer_offline: 'true',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  ...extra,
});

// Only committed files are cloned: this checks what a newcomer gets from the repository.
describe('fresh checkout: the README’s lines, as written', () => {
  let dir: string;
  let repo: string;
  let demo: ChildProcess | undefined;
  let app: ChildProcess | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'prs-fresh-checkout-'));
    // The folder name the README's install lines use for the clone.
    repo = join(dir, 'prs-observability');
    await run(
      'git',
      ['clone', '--quiet', '--depth', '1', `file://${REPO_ROOT}`, repo],
      dir,
      2 * MINUTE,
    );
  }, 3 * MINUTE);
  afterAll(async () => {
    if (demo) await stopGroup(demo);
    if (app) await stopGroup(app);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('reads the Quick start and "Using it in your app" lines it runs', () => {
    expect(quickStart[0]).toBe('npm ci && npm run demo');
    expect(quickStart).toContain('npm run demo:traffic');
    expect(quickStart).toContain('scripts/install-test-deps.sh');
    expect(packAndInstall).toHaveLength(2);
    expect(packAndInstall[0]).toMatch(/npm pack/);
    expect(packAndInstall[1]).toMatch(/^npm install \.\.\/prs-observability\//);
    expect(startLine).toBe(
      'node --import @prs/nestjs-observability/register dist/main.js',
    );
  });

  it(
    'Quick start: installs and boots the demo on the pinned Node.js (PORT moves it), demo:traffic follows PORT, the test prerequisites check passes',
    async () => {
      const port = await freePort();
      demo = spawn('bash', ['-c', quickStart[0] ?? 'false'], {
        cwd: repo,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: shellEnv({
          PORT: String(port),
          DATABASE_URL: TEST_DATABASE_URL,
          OTEL_TRACES_EXPORTER: 'none',
        }),
      });
      const started = await waitFor(
        demo,
        DEMO_READY,
        quickStart[0] ?? '',
        10 * MINUTE,
      );
      expect(Number(started.match[1])).toBe(port);
      // The machine's own node may be anything (Node 20 here); the demo runs on the pinned one.
      expect(started.output()).toContain(`Runtime: Node.js v${PINNED}`);
      const live = await fetch(`http://127.0.0.1:${port}/health/live`, {
        signal: AbortSignal.timeout(20_000),
      });
      expect(live.status).toBe(200);

      // Same shell variables as the demo's terminal: the traffic finds it through PORT.
      const trafficLine = quickStart.find((l) => l.includes('demo:traffic'));
      const traffic = await run(
        'bash',
        ['-c', trafficLine ?? 'false'],
        repo,
        4 * MINUTE,
        machinePath,
        { PORT: String(port) },
      );
      expect(traffic).toContain(
        `demo:traffic → http://127.0.0.1:${port} (PORT=${port})`,
      );
      expect(traffic).toMatch(
        /^demo:traffic summary: \d+ requests .* 2xx \d+/m,
      );
      expect(traffic).toMatch(/; 0 network errors/);

      const metrics = await fetch(`http://127.0.0.1:${port}/metrics`, {
        signal: AbortSignal.timeout(20_000),
      });
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toMatch(
        /^prs_business_events_total\{event_type="user_login",status="success"\} [1-9]/m,
      );
      await stopGroup(demo);
      demo = undefined;

      const deps = quickStart.find((l) => l.includes('install-test-deps'));
      expect(
        await run(
          'bash',
          ['-c', deps ?? 'false'],
          repo,
          5 * MINUTE,
          machinePath,
        ),
      ).toContain('install-test-deps: PostgreSQL (database test), Redis and');
    },
    20 * MINUTE,
  );

  it(
    'Using it in your app: packs the package in the clone, installs the tarball into an app next to it, starts it with the README’s line',
    async () => {
      await run(
        'bash',
        ['-c', packAndInstall[0] ?? 'false'],
        repo,
        5 * MINUTE,
        machinePath,
      );
      const yourApp = join(dir, 'your-app');
      mkdirSync(join(yourApp, 'dist'), { recursive: true });
      writeFileSync(
        join(yourApp, 'package.json'),
        JSON.stringify({
          name: 'your-app',
          private: true,
          dependencies: scratchNestDependencies(),
        }),
      );
      writeFileSync(join(yourApp, 'dist', 'main.js'), SCRATCH_MAIN);
      await run(
        'bash',
        ['-c', packAndInstall[1] ?? 'false'],
        yourApp,
        5 * MINUTE,
        machinePath,
      );
      const manifest = JSON.parse(
        readFileSync(join(yourApp, 'package.json'), 'utf8'),
      ) as { dependencies: Record<string, string> };
      expect(manifest.dependencies['@prs/nestjs-observability']).toMatch(
        /^file:\.\.\/prs-observability\/prs-nestjs-observability-[\d.]+\.tgz$/,
      );

      // The README's start line, on a supported Node.js (this one) first on PATH.
      app = spawn('bash', ['-c', startLine], {
        cwd: yourApp,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: shellEnv({
          PATH: `${dirname(process.execPath)}${delimiter}${machinePath}`,
          OTEL_TRACES_EXPORTER: 'none',
        }),
      });
      const started = await waitFor(
        app,
        /SCRATCH_LISTENING (\d+)/,
        startLine,
        MINUTE,
      );
      const base = `http://127.0.0.1:${started.match[1]}`;
      expect(await (await fetch(`${base}/orders/7`)).json()).toEqual({
        id: '7',
      });
      expect(await (await fetch(`${base}/metrics`)).text()).toMatch(
        /^prs_http_requests_total\{method="GET",endpoint="\/orders\/:id",status_code="200"\} 1$/m,
      );
      await stopGroup(app);
      app = undefined;
    },
    12 * MINUTE,
  );
});
