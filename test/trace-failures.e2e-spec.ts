import { readFileSync } from 'node:fs';
import { startFixture } from './support/fixture-process';
import { freePort } from './support/prometheus-server';
import { startHangingServer } from './support/private-services';
import { scrape, valueOf } from './support/exposition';
import { hammer } from './support/http';

function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(
    readFileSync(`/proc/${pid}/status`, 'utf8'),
  );
  return Number(match?.[1] ?? 0) * 1024;
}

describe.each(['refused', 'blackholed'] as const)(
  'trace exporter %s',
  (mode) => {
    it('serves 5,000 requests without a failure, bounded memory, counted drops and few warnings', async () => {
      const hole =
        mode === 'blackholed' ? await startHangingServer() : undefined;
      const port = hole?.port ?? (await freePort());
      const app = await startFixture({
        env: {
          // V8 grows its young generation (up to ~50 MB) whenever the allocation rate
          // rises; capping the semi-spaces keeps that out of the RSS measured below.
          NODE_OPTIONS: '--max-semi-space-size=2',
          OTEL_TRACES_EXPORTER: 'otlp',
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${port}/v1/traces`,
        },
      });
      try {
        // Warm up past the exporter's first failures, so what follows measures the queue.
        await hammer(app.url(''), 8_000, (i) => `/api/items/warmup-${i}`, 16);
        const before = rssBytes(app.pid);
        const statuses = await hammer(
          app.url(''),
          5_000,
          (i) => `/api/items/${i}`,
          16,
        );
        expect(statuses).toEqual(new Map([[200, 5_000]]));
        // Give the batch processor time to hit its queue bound and its export deadline.
        let dropped = 0;
        for (let i = 0; i < 60 && dropped === 0; i++) {
          await new Promise((r) => setTimeout(r, 250));
          dropped =
            valueOf(
              await scrape(app.url('/metrics')),
              'prs_telemetry_spans_dropped_total',
              {},
            ) ?? 0;
        }
        const growth = rssBytes(app.pid) - before;
        expect(dropped).toBeGreaterThan(0);
        expect(growth).toBeLessThan(50 * 1024 * 1024);
        const warnings = app
          .output()
          .split('\n')
          .filter((line) => line.includes('WARN'));
        expect(warnings.length).toBeGreaterThan(0);
        expect(warnings.length).toBeLessThanOrEqual(3);
        expect(warnings.join('\n')).toMatch(
          /Exporting spans to http:\/\/127\.0\.0\.1:\d+\/v1\/traces failed|span export queue is full/,
        );
        // The process keeps serving after the storm.
        expect((await fetch(app.url('/api/items/after'))).status).toBe(200);
      } finally {
        await app.stop();
        await hole?.close();
      }
    });
  },
);
