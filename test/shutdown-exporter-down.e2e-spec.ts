import { startDemo } from './support/demo-app';
import {
  ADAPTERS,
  startFixture,
  stopChild,
  type Adapter,
  type RunningFixture,
} from './support/fixture-process';
import { hammer } from './support/http';
import { freePort } from './support/prometheus-server';
import { startHangingServer } from './support/private-services';

/** The documented shutdown bound (README "Shutdown": the last spans are flushed within 5 s). */
const BOUND_MS = 5_000;
/** Nest's close and Node's exit after the bound, on a loaded 2-core box (as in shutdown-flush). */
const MARGIN_MS = 2_500;

/** SIGTERM, then the milliseconds until the process exited (or the string why not). */
async function sigtermToExit(app: RunningFixture): Promise<number | string> {
  const exited = new Promise<string>((resolve) =>
    app.child.once('exit', (code, signal) => resolve(signal ?? `${code}`)),
  );
  const sigtermAt = Date.now();
  app.child.kill('SIGTERM');
  const exit = await Promise.race([
    exited,
    new Promise<string>((resolve) =>
      setTimeout(() => resolve('no exit within 20 s'), 20_000).unref(),
    ),
  ]);
  // Nest's shutdown hooks re-raise the signal once the app closed.
  return exit === 'SIGTERM' ? Date.now() - sigtermAt : exit;
}

type Mode = 'refused' | 'blackholed';
type Target = 'fixture' | 'demo';
// The fixture with both failure modes; the demo (Postgres, Redis, health: more shutdown
// hooks before the flush) with the exporter that holds longest.
const CASES: [Target, Adapter, Mode][] = ADAPTERS.flatMap((adapter) => [
  ['fixture', adapter, 'refused'],
  ['fixture', adapter, 'blackholed'],
  ['demo', adapter, 'blackholed'],
]);

async function start(
  target: Target,
  adapter: Adapter,
  env: Record<string, string>,
): Promise<{ app: RunningFixture; path: (i: number) => string }> {
  if (target === 'demo')
    return {
      app: (await startDemo(adapter, env)).app,
      path: (i) => `/api/deals/${(i % 3) + 1}`,
    };
  return {
    app: await startFixture({ adapter, env }),
    path: (i) => `/api/items/${i}`,
  };
}

describe.each(CASES)(
  'shutdown of the %s on %s with the trace exporter %s',
  (target, adapter, mode) => {
    it(`exits within ${BOUND_MS} ms + ${MARGIN_MS} ms of SIGTERM and says what was lost`, async () => {
      const hole =
        mode === 'blackholed' ? await startHangingServer() : undefined;
      const port = hole?.port ?? (await freePort());
      const { app, path } = await start(target, adapter, {
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${port}/v1/traces`,
        OTEL_BSP_SCHEDULE_DELAY: '100',
      });
      try {
        // Spans wait in the queue and, blackholed, one export hangs at SIGTERM.
        const first = await hammer(app.url(''), 200, path, 8);
        await new Promise((r) => setTimeout(r, 300));
        const late = await hammer(app.url(''), 50, path, 8);
        expect([...first.keys(), ...late.keys()]).not.toContain(0);

        const exitMs = await sigtermToExit(app);
        process.stdout.write(
          `shutdown of the ${target}, exporter ${mode} (${adapter}): exit ${exitMs} ms after SIGTERM\n`,
        );
        expect(typeof exitMs).toBe('number');
        expect(exitMs).toBeLessThan(BOUND_MS + MARGIN_MS);
        expect(app.output()).toMatch(
          /Telemetry flushed at shutdown: \d+ spans sent, [1-9]\d* lost/,
        );
      } finally {
        await stopChild(app.child);
        await hole?.close();
      }
    });
  },
);
