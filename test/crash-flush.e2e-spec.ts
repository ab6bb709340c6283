import { join } from 'node:path';
import {
  ADAPTERS,
  type Adapter,
  REPO_ROOT,
  startFixture,
  stopChild,
} from './support/fixture-process';
import {
  startOtlpReceiver,
  type OtlpReceiver,
  type ReceivedSpan,
} from './support/trace-receivers';

const CRASH_MAIN = join(
  REPO_ROOT,
  'dist',
  'test',
  'fixtures',
  'crash',
  'main.js',
);

interface CrashRun {
  status: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** Milliseconds from the response to the exit. */
  exitAfterMs: number;
}

/** Boots the crash fixture, calls a crashing route and waits (at most 15 s) for the exit. */
async function crash(
  adapter: Adapter,
  route: 'throw' | 'reject' | 'twice',
  env: Record<string, string>,
  preload = true,
): Promise<CrashRun> {
  const app = await startFixture({ adapter, entry: CRASH_MAIN, preload, env });
  const exited = new Promise<[number | null, NodeJS.Signals | null]>(
    (resolve) =>
      app.child.once('exit', (code, signal) => resolve([code, signal])),
  );
  try {
    const response = await fetch(app.url(`/api/crash/${route}`));
    await response.text();
    const answeredAt = Date.now();
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new Error('no exit within 15 s')),
        15_000,
      ).unref(),
    );
    const [code, signal] = await Promise.race([exited, timeout]);
    return {
      status: response.status,
      code,
      signal,
      stderr: app.stderr(),
      exitAfterMs: Date.now() - answeredAt,
    };
  } finally {
    await stopChild(app.child);
  }
}

function crashLines(stderr: string): Record<string, unknown>[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => /process is exiting/.test(String(line.message)));
}

function serverSpan(spans: ReceivedSpan[], route: string): ReceivedSpan[] {
  return spans.filter(
    (span) =>
      span.kind === 'server' && span.name.includes(`/api/crash/${route}`),
  );
}

describe.each(ADAPTERS)('crash flush (%s)', (adapter) => {
  let receiver: OtlpReceiver;
  let env: Record<string, string>;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    env = {
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${receiver.port}/v1/traces`,
    };
  });
  afterAll(() => receiver.close());
  beforeEach(() => receiver.reset());

  it.each([
    ['throw', 'Uncaught exception', 'fixture crash after the response'],
    [
      'reject',
      'Unhandled promise rejection',
      'fixture rejection after the response',
    ],
  ] as const)(
    '%s after the response: 1 of 1 server span delivered, one JSON crash line with its trace id, exit code equal to Node without the SDK',
    async (route, what, errorMessage) => {
      // Node's own behaviour: the same fixture and route without the SDK.
      const [control, run] = await Promise.all([
        crash(adapter, route, { ...env, CRASH_FIXTURE_PLAIN: '1' }, false),
        crash(adapter, route, env),
      ]);
      expect(control.status).toBe(200);
      expect(run.status).toBe(200);
      expect(control.code).toBe(1);
      expect([run.code, run.signal]).toEqual([control.code, control.signal]);
      // Node still reports the crash itself, as without the SDK.
      expect(control.stderr).toContain(`Error: ${errorMessage}`);
      expect(run.stderr).toContain(`Error: ${errorMessage}`);
      // The flush is bounded (2 s by default) and the exporter answers at once.
      expect(run.exitAfterMs).toBeLessThan(2_000 + 3_000);

      const spans = serverSpan(receiver.spans(), route);
      expect(spans).toHaveLength(1);
      const lines = crashLines(run.stderr);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        level: 'error',
        pid: expect.any(Number) as number,
        message: `${what}: the process is exiting`,
        trace_id: spans[0]?.traceId,
        error: {
          type: 'Error',
          message: errorMessage,
          stack: expect.stringContaining(errorMessage) as string,
        },
      });
      expect(Date.parse(String(lines[0]?.timestamp))).not.toBeNaN();
      expect(crashLines(control.stderr)).toHaveLength(0);
      process.stdout.write(
        `crash flush (${adapter}, ${route}): exit code ${run.code} (Node alone: ${control.code}), ${spans.length} server span delivered, exit ${run.exitAfterMs} ms after the response (Node alone: ${control.exitAfterMs} ms)\n`,
      );
    },
  );

  it('a hanging flush is bounded (2 s), and a second crash during it ends the process at once with the first error, exit code 1', async () => {
    const hole = await startOtlpReceiver({ blackhole: true });
    const holeEnv = {
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${hole.port}/v1/traces`,
    };
    try {
      const [hung, twice] = await Promise.all([
        crash(adapter, 'throw', holeEnv),
        crash(adapter, 'twice', holeEnv),
      ]);
      // The collector never answers: the process waits its 2 s, no longer (+ the 100 ms
      // between response and crash, + exit on a loaded box).
      expect(hung.code).toBe(1);
      // (Measured from the client's receipt of the response, which a loaded box may delay.)
      expect(hung.exitAfterMs).toBeGreaterThanOrEqual(1_500);
      expect(hung.exitAfterMs).toBeLessThan(2_000 + 3_000);
      expect(crashLines(hung.stderr)).toHaveLength(1);
      // The second crash (100 ms after the first) does not wait for the flush.
      expect(twice.code).toBe(1);
      expect(twice.exitAfterMs).toBeLessThan(hung.exitAfterMs);
      expect(crashLines(twice.stderr)).toHaveLength(1);
      expect(twice.stderr).toContain('Error: fixture crash after the response');
      process.stdout.write(
        `crash flush (${adapter}): blackholed collector, exit ${hung.exitAfterMs} ms after the response; second crash, exit ${twice.exitAfterMs} ms\n`,
      );
    } finally {
      await hole.close();
    }
  });

  it('stands aside when the app handles uncaughtException itself: the process keeps serving, 0 crash lines', async () => {
    const app = await startFixture({
      adapter,
      entry: CRASH_MAIN,
      env: { ...env, CRASH_FIXTURE_OWN_HANDLER: '1' },
    });
    try {
      expect((await fetch(app.url('/api/crash/throw'))).status).toBe(200);
      const deadline = Date.now() + 5_000;
      while (!app.stderr().includes('APP_HANDLED') && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect(app.stderr()).toContain(
        'APP_HANDLED Error: fixture crash after the response',
      );
      // Past the 2 s flush bound: a crash flush would have ended the process by now.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(app.child.exitCode).toBeNull();
      expect((await fetch(app.url('/api/ping/1'))).status).toBe(200);
      expect(crashLines(app.stderr())).toHaveLength(0);
    } finally {
      await app.stop();
    }
  });
});
