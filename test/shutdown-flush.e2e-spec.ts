import { ADAPTERS, startFixture, stopChild } from './support/fixture-process';
import { hammer } from './support/http';
import { startOtlpReceiver } from './support/trace-receivers';

const RATE_PER_S = 100;
const LOAD_MS = 5_000;
/** Requests of the spike that ends the load (2 spans each): more spans than one export batch (512) wait at SIGTERM, fewer than the queue (2,048) holds. */
const SPIKE = 500;
const EXPORT_DELAY_MS = 2_000;
/** The documented shutdown bound (DEFAULT_SHUTDOWN_TIMEOUT_MS). */
const BOUND_MS = 5_000;
/** Process teardown after the bound (Nest's close, Node's exit) on a loaded box. */
const MARGIN_MS = 2_500;

const sleep = (ms: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

describe.each(ADAPTERS)('shutdown flush (%s)', (adapter) => {
  it(`delivers the server span of every request answered before SIGTERM through a ${EXPORT_DELAY_MS} ms-per-export collector at ${RATE_PER_S} req/s then a ${SPIKE}-request spike, exits within ${BOUND_MS} ms + margin and logs "N spans sent, 0 lost"`, async () => {
    const receiver = await startOtlpReceiver({ delayMs: EXPORT_DELAY_MS });
    const app = await startFixture({
      adapter,
      env: {
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${receiver.port}/v1/traces`,
      },
    });
    try {
      const answered: string[] = [];
      const failed: unknown[] = [];
      const requests: Promise<void>[] = [];
      const start = Date.now();
      for (let i = 0; Date.now() - start < LOAD_MS; i++) {
        const path = `/api/items/before-sigterm-${i}`;
        requests.push(
          fetch(app.url(path)).then(
            async (response) => {
              await response.text();
              if (response.status === 200) answered.push(path);
              else failed.push(response.status);
            },
            (error: unknown) => void failed.push(error),
          ),
        );
        await sleep(start + ((i + 1) * 1_000) / RATE_PER_S - Date.now());
      }
      // A spike just before SIGTERM: more spans queue than one export batch holds.
      const spike = hammer(
        app.url(''),
        SPIKE,
        (i) => `/api/items/spike-${i}`,
        16,
      );
      await Promise.all(requests);
      expect(await spike).toEqual(new Map([[200, SPIKE]]));
      for (let i = 0; i < SPIKE; i++) answered.push(`/api/items/spike-${i}`);
      expect(failed).toEqual([]);
      // The collector is still busy with (or queued behind) a 2 s export at this point.
      expect(answered.length).toBeGreaterThan((RATE_PER_S * LOAD_MS) / 2_000);

      const exited = new Promise<string>((resolve) =>
        app.child.once('exit', (code, signal) => resolve(signal ?? `${code}`)),
      );
      const sigtermAt = Date.now();
      app.child.kill('SIGTERM');
      const timeout = new Promise<string>((resolve) =>
        setTimeout(() => resolve('no exit within 15 s'), 15_000).unref(),
      );
      const exit = await Promise.race([exited, timeout]);
      const exitMs = Date.now() - sigtermAt;
      // Nest's shutdown hooks re-raise the signal once the app closed.
      expect(exit).toBe('SIGTERM');
      expect(exitMs).toBeLessThan(BOUND_MS + MARGIN_MS);

      const delivered = new Set(
        receiver
          .spans()
          .filter((span) => span.kind === 'server')
          .map((span) => String(span.attributes['url.path'])),
      );
      const missing = answered.filter((path) => !delivered.has(path));
      expect({ missing: missing.length, of: answered.length }).toEqual({
        missing: 0,
        of: answered.length,
      });
      // Every export was acknowledged before the process left.
      expect(receiver.requests().filter((r) => r.status !== 200)).toEqual([]);
      const summary =
        /Telemetry flushed at shutdown: (\d+) spans sent, (\d+) lost/.exec(
          app.output(),
        );
      expect(summary?.[2]).toBe('0');
      expect(Number(summary?.[1])).toBeGreaterThan(0);
      expect(app.output()).not.toContain('Concurrent export limit reached');
      process.stdout.write(
        `shutdown flush (${adapter}): ${answered.length} requests answered, ${delivered.size} server spans delivered, exit ${exitMs} ms after SIGTERM, ${summary?.[0]}\n`,
      );
    } finally {
      await stopChild(app.child);
      await receiver.close();
    }
  });
});
