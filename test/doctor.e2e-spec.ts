import { execFile } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ADAPTERS,
  FIXTURE_ESM_MAIN,
  REPO_ROOT,
  baseFixtureEnv,
  startFixture,
  type RunningFixture,
} from './support/fixture-process';

// The doctor as users run it: the built bin, in a child process, on real directories and apps.
const CLI = join(REPO_ROOT, 'libs', 'observability', 'dist', 'cli', 'main.js');
const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'doctor');
const SEE =
  'See https://github.com/prs/nestjs-observability/blob/main/README.md#when-nothing-shows-up';
const PRELOAD = 'node --import @prs/nestjs-observability/register dist/main.js';

interface Check {
  id: string;
  verdict: 'pass' | 'fail' | 'warn' | 'skip';
  message: string;
  fix?: string;
}
interface Run {
  code: number | null;
  report: { ok: boolean; checks: Check[] };
  stdout: string;
}

function doctor(args: string[], cwd = REPO_ROOT): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CLI, 'doctor', ...args],
      { cwd, env: baseFixtureEnv(), timeout: 60_000 },
      (error, stdout) => {
        const code = error ? (error.code as number | null) : 0;
        try {
          const report = args.includes('--json')
            ? (JSON.parse(stdout) as Run['report'])
            : { ok: code === 0, checks: [] };
          resolve({ code, report, stdout });
        } catch {
          reject(
            new Error(`doctor printed no JSON (exit ${code}):\n${stdout}`),
          );
        }
      },
    );
  });
}

const failing = (run: Run) =>
  run.report.checks.filter((c) => c.verdict !== 'pass' && c.verdict !== 'skip');
const check = (run: Run, id: string) => {
  const found = run.report.checks.find((c) => c.id === id);
  if (found === undefined)
    throw new Error(`no check ${id} in ${JSON.stringify(run.report, null, 2)}`);
  return found;
};

const realVersion = (name: string): string =>
  (
    JSON.parse(
      readFileSync(
        join(REPO_ROOT, 'node_modules', name, 'package.json'),
        'utf8',
      ),
    ) as { version: string }
  ).version;

/**
 * A project directory from a manifest under test/fixtures/doctor, with a node_modules:
 * a Nest manifest of `nest`, the real @opentelemetry/api copied in, and, with
 * `secondApi`, another copy of it under a dependency's nested node_modules.
 */
function project(
  template: string,
  layout: { nest?: string; secondApi?: string } = {},
): string {
  const dir = mkdtempSync(join(tmpdir(), 'prs-doctor-'));
  cpSync(join(FIXTURES, template, 'package.json'), join(dir, 'package.json'));
  const nest = join(dir, 'node_modules', '@nestjs', 'core');
  mkdirSync(nest, { recursive: true });
  writeFileSync(
    join(nest, 'package.json'),
    JSON.stringify({
      name: '@nestjs/core',
      version: layout.nest ?? realVersion('@nestjs/core'),
    }),
  );
  const api = join(REPO_ROOT, 'node_modules', '@opentelemetry', 'api');
  cpSync(api, join(dir, 'node_modules', '@opentelemetry', 'api'), {
    recursive: true,
  });
  if (layout.secondApi !== undefined) {
    const nested = join(
      dir,
      'node_modules',
      'legacy-tracing-lib',
      'node_modules',
      '@opentelemetry',
      'api',
    );
    cpSync(api, nested, { recursive: true });
    const manifest = JSON.parse(
      readFileSync(join(nested, 'package.json'), 'utf8'),
    ) as { version: string };
    manifest.version = layout.secondApi;
    writeFileSync(join(nested, 'package.json'), JSON.stringify(manifest));
    writeFileSync(
      join(dir, 'node_modules', 'legacy-tracing-lib', 'package.json'),
      JSON.stringify({ name: 'legacy-tracing-lib', version: '1.0.0' }),
    );
  }
  return dir;
}

/** A real OTLP/HTTP trace endpoint stand-in: 200 to POST /v1/traces, 404 elsewhere. */
async function startOtlpReceiver(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () =>
      res
        .writeHead(
          req.method === 'POST' && req.url === '/v1/traces' ? 200 : 404,
        )
        .end('{}'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1/traces`, server };
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('prs-observability doctor', () => {
  let otlp: { url: string; server: Server };
  const dirs: string[] = [];
  const tempProject = (...args: Parameters<typeof project>) => {
    const dir = project(...args);
    dirs.push(dir);
    return dir;
  };
  beforeAll(async () => {
    otlp = await startOtlpReceiver();
  });
  afterAll(async () => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    await new Promise((resolve) => otlp.server.close(resolve));
  });

  describe.each(ADAPTERS)('against a correct app on %s', (adapter) => {
    let app: RunningFixture;
    beforeAll(async () => {
      app = await startFixture({
        adapter,
        options: { metrics: { status: true } },
        env: { FIXTURE_STORE: '1' },
      });
    });
    afterAll(() => app.stop());

    it('is all green and exits 0', async () => {
      const run = await doctor([
        '--dir',
        tempProject('cjs-app'),
        '--url',
        app.url(''),
        '--otlp',
        otlp.url,
        '--json',
      ]);
      expect(failing(run)).toEqual([]);
      expect(run.code).toBe(0);
      expect(run.report.ok).toBe(true);
      // The running app's own facts came from its status.
      expect(check(run, 'app-status').verdict).toBe('pass');
      expect(check(run, 'node-version').message).toBe(
        `the running app's Node.js ${process.versions.node} is supported`,
      );
      expect(check(run, 'instrumented:pg').message).toBe('pg: instrumented');
      expect(check(run, 'instrumented:ioredis').message).toBe(
        'ioredis: instrumented',
      );
      expect(check(run, 'metrics').verdict).toBe('pass');
      expect(check(run, 'otlp-endpoint').verdict).toBe('pass');
    });

    it('prints each check, its verdict and the summary for humans', async () => {
      const run = await doctor([
        '--dir',
        tempProject('cjs-app'),
        '--url',
        app.url(''),
        '--otlp',
        otlp.url,
      ]);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('[ok  ] /metrics reachable and valid: ');
      expect(run.stdout).toContain('[ok  ] pg instrumented: pg: instrumented');
      expect(run.stdout.trimEnd().endsWith('All checks passed.')).toBe(true);
    });
  });

  it('reports pg loaded before the SDK in a running app', async () => {
    const app = await startFixture({
      preload: false,
      entry: join(REPO_ROOT, 'dist', 'test', 'fixtures', 'late-pg-main.js'),
      env: { PRS_OBSERVABILITY_STATUS: 'true' },
    });
    try {
      const run = await doctor([
        '--dir',
        tempProject('cjs-app'),
        '--url',
        app.url(''),
        '--otlp',
        otlp.url,
        '--json',
      ]);
      expect(run.code).toBe(1);
      expect(failing(run)).toEqual([
        {
          id: 'instrumented:pg',
          title: 'pg instrumented',
          verdict: 'fail',
          message:
            'pg was loaded before the SDK started, so it is not instrumented: no spans and no metrics for it.',
          fix: `Start with \`${PRELOAD}\`, or call startObservability() before anything imports pg. ${SEE}`,
        },
      ]);
    } finally {
      await app.stop();
    }
  });

  it('sees express instrumented when its instrumentation is on and spans are exported', async () => {
    const app = await startFixture({
      preload: false,
      entry: join(REPO_ROOT, 'dist', 'test', 'fixtures', 'sdk-options-main.js'),
      options: { metrics: { status: true } },
      env: {
        FIXTURE_SDK_OPTIONS: JSON.stringify({
          instrumentations: { express: true },
        }),
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlp.url,
      },
    });
    try {
      const run = await doctor(
        ['--url', app.url(''), '--otlp', otlp.url, '--json'],
        tmpdir(),
      );
      expect(check(run, 'instrumented:express')).toEqual(
        expect.objectContaining({
          verdict: 'pass',
          message: 'express: instrumented',
        }),
      );
      expect(failing(run)).toEqual([]);
      expect(run.code).toBe(0);
    } finally {
      await app.stop();
    }
  });

  it('reports two versions of @opentelemetry/api', async () => {
    const dir = tempProject('cjs-app', { secondApi: '1.9.0' });
    const run = await doctor(['--dir', dir, '--otlp', otlp.url, '--json']);
    expect(run.code).toBe(1);
    const api = realVersion('@opentelemetry/api');
    expect(failing(run)).toEqual([
      {
        id: 'otel-singleton:@opentelemetry/api',
        title: 'One copy of @opentelemetry/api',
        verdict: 'fail',
        message: `2 copies of @opentelemetry/api are installed (${api} at node_modules/@opentelemetry/api, 1.9.0 at node_modules/legacy-tracing-lib/node_modules/@opentelemetry/api): each copy keeps its own globals and patches, so telemetry recorded through one is invisible to the other.`,
        fix: `Keep one version: add an npm "overrides" entry for @opentelemetry/api (the version @prs/nestjs-observability uses) to package.json and run npm install; \`npm ls @opentelemetry/api\` shows who pulls the other. ${SEE}`,
      },
    ]);
  });

  it('reports an ESM app started with --require', async () => {
    const run = await doctor([
      '--dir',
      tempProject('esm-require-app'),
      '--otlp',
      otlp.url,
      '--json',
    ]);
    expect(run.code).toBe(1);
    expect(failing(run)).toEqual([
      expect.objectContaining({
        id: 'preload',
        verdict: 'fail',
        message:
          'This app is ESM (Nest 12 or "type": "module") but the "start" script preloads the SDK with --require: ESM imports bypass it, so ioredis and express are not instrumented.',
        fix: `Start with \`${PRELOAD}\` (or NODE_OPTIONS="--import @prs/nestjs-observability/register"). ${SEE}`,
      }),
    ]);
  });

  it('reports a running ESM app started with --require (NODE_OPTIONS)', async () => {
    const app = await startFixture({
      preload: false,
      entry: FIXTURE_ESM_MAIN,
      options: { metrics: { status: true } },
      env: { NODE_OPTIONS: '--require @prs/nestjs-observability/register' },
    });
    try {
      const run = await doctor(
        ['--url', app.url(''), '--otlp', otlp.url, '--json'],
        tmpdir(),
      );
      expect(run.code).toBe(1);
      expect(check(run, 'running-preload')).toEqual(
        expect.objectContaining({
          verdict: 'fail',
          message:
            'This app is ESM (Nest 12 or "type": "module") but the running app preloads the SDK with --require: ESM imports bypass it, so ioredis and express are not instrumented.',
        }),
      );
    } finally {
      await app.stop();
    }
  });

  it('reports an unreachable OTLP endpoint', async () => {
    const port = await closedPort();
    const run = await doctor([
      '--dir',
      tempProject('cjs-app'),
      '--otlp',
      `http://127.0.0.1:${port}`,
      '--timeout',
      '2000',
      '--json',
    ]);
    expect(run.code).toBe(1);
    expect(failing(run)).toEqual([
      expect.objectContaining({
        id: 'otlp-endpoint',
        verdict: 'fail',
        message: `The OTLP endpoint http://127.0.0.1:${port}/v1/traces is unreachable (connection refused): traces are dropped.`,
        fix: `Start the collector or Jaeger (OTLP/HTTP on port 4318), or point OTEL_EXPORTER_OTLP_ENDPOINT at it. ${SEE}`,
      }),
    ]);
  });

  it('reports an unsupported Nest version', async () => {
    const run = await doctor([
      '--dir',
      tempProject('cjs-app', { nest: '10.4.15' }),
      '--otlp',
      otlp.url,
      '--json',
    ]);
    expect(run.code).toBe(1);
    expect(failing(run)).toEqual([
      expect.objectContaining({
        id: 'nest-version',
        verdict: 'fail',
        message:
          '@nestjs/core 10.4.15 is not supported: the SDK supports ^11.0.0 || ^12.0.0.',
        fix: `Upgrade to Nest 11 (CommonJS) or Nest 12 (ESM). ${SEE}`,
      }),
    ]);
  });
});
