import { readFileSync } from 'node:fs';
import {
  ADAPTERS,
  startFixture,
  type Adapter,
  type RunningFixture,
} from './support/fixture-process';
import { scrape, valueOf } from './support/exposition';
import { startMetricReceiver } from './support/metric-receiver';
import { freePort } from './support/prometheus-server';

const INTERVAL_MS = 300;
const TIMEOUT_MS = 250;
const WARM_UP_MS = 3_000;
const MEASURED_MS = 9_000;
/** RSS growth allowed after warm-up (V8's young generation is capped below). */
const RSS_BOUND = 40 * 1024 * 1024;
/** SIGTERM to exit, the SDK's 5 s shutdown deadline included. */
const SHUTDOWN_BOUND_MS = 7_000;

function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(
    readFileSync(`/proc/${pid}/status`, 'utf8'),
  );
  return Number(match?.[1] ?? 0) * 1024;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function exportFailures(app: RunningFixture): Promise<number> {
  return (
    valueOf(
      await scrape(app.url('/metrics')),
      'prs_telemetry_export_failures_total',
      { signal: 'metrics' },
    ) ?? 0
  );
}

/** Steady traffic (4 workers, ~15 ms apart each) until `stop()`; counts answers by status. */
function steadyTraffic(app: RunningFixture) {
  const statuses = new Map<number, number>();
  let running = true;
  let i = 0;
  const worker = async () => {
    while (running) {
      const n = i++;
      const path = n % 10 === 9 ? '/no/such/route' : `/api/items/${n}`;
      let status = 0;
      try {
        const res = await fetch(app.url(path), {
          signal: AbortSignal.timeout(5_000),
        });
        await res.arrayBuffer();
        status = res.status;
      } catch {
        status = 0; // no answer: a failed request
      }
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      await sleep(15);
    }
  };
  const workers = Promise.all(Array.from({ length: 4 }, worker));
  return {
    statuses,
    stop: async () => {
      running = false;
      await workers;
      return statuses;
    },
  };
}

interface Sampled {
  adapter: Adapter;
  app: RunningFixture;
  rssAfterWarmUp: number;
  rssMax: number;
  failuresAfterWarmUp: number;
  failuresAtEnd: number;
  statuses: Map<number, number>;
  shutdownMs: number;
  killed: boolean;
}

async function exercise(adapter: Adapter, endpoint: string): Promise<Sampled> {
  const app = await startFixture({
    adapter,
    env: {
      // V8 grows its young generation (up to ~50 MB) whenever the allocation rate
      // rises; capping the semi-spaces keeps that out of the RSS measured below.
      NODE_OPTIONS: '--max-semi-space-size=2',
      OTEL_METRICS_EXPORTER: 'prometheus,otlp',
      OTEL_METRIC_EXPORT_INTERVAL: String(INTERVAL_MS),
      OTEL_METRIC_EXPORT_TIMEOUT: String(TIMEOUT_MS),
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: endpoint,
    },
  });
  try {
    const traffic = steadyTraffic(app);
    await sleep(WARM_UP_MS);
    const rssAfterWarmUp = rssBytes(app.pid);
    const failuresAfterWarmUp = await exportFailures(app);
    let rssMax = rssAfterWarmUp;
    const until = Date.now() + MEASURED_MS;
    while (Date.now() < until) {
      await sleep(500);
      rssMax = Math.max(rssMax, rssBytes(app.pid));
    }
    const failuresAtEnd = await exportFailures(app);
    const statuses = await traffic.stop();
    const started = Date.now();
    await app.stop();
    return {
      adapter,
      app,
      rssAfterWarmUp,
      rssMax,
      failuresAfterWarmUp,
      failuresAtEnd,
      statuses,
      shutdownMs: Date.now() - started,
      killed: app.child.signalCode === 'SIGKILL',
    };
  } finally {
    await app.stop();
  }
}

const MODES = [
  { name: 'refused (nothing listens)', receiver: undefined },
  {
    name: 'blackholed (accepts, never answers)',
    receiver: { blackhole: true },
  },
  { name: 'answering 503', receiver: { failWith: 503 } },
] as const;

describe.each(MODES)(
  'OTLP metrics receiver $name',
  ({ name, receiver: mode }) => {
    it(`Express and Fastify: no failed request, bounded RSS, counted failures, prompt shutdown (${name})`, async () => {
      const receiver =
        mode === undefined ? undefined : await startMetricReceiver(mode);
      const endpoint =
        receiver?.url ?? `http://127.0.0.1:${await freePort()}/v1/metrics`;
      try {
        const runs = await Promise.all(
          ADAPTERS.map((adapter) => exercise(adapter, endpoint)),
        );
        for (const run of runs) {
          const label = `${run.adapter}: `;
          // Every request answered, with its usual status.
          const served = [...run.statuses.keys()].sort();
          expect(`${label}${served.join(',')}`).toBe(`${label}200,404`);
          expect(run.statuses.get(200)).toBeGreaterThan(500);
          // Failures counted, and still counted after warm-up.
          expect(run.failuresAfterWarmUp).toBeGreaterThan(0);
          expect(run.failuresAtEnd).toBeGreaterThan(run.failuresAfterWarmUp);
          // Bounded in time: each push is given up after the export timeout, so they keep failing
          // about once an interval instead of piling up behind a receiver that never answers.
          expect(
            run.failuresAtEnd - run.failuresAfterWarmUp,
          ).toBeGreaterThanOrEqual(MEASURED_MS / INTERVAL_MS / 2);
          // Memory bounded.
          expect(run.rssMax - run.rssAfterWarmUp).toBeLessThan(RSS_BOUND);
          // SIGTERM → exit within the deadline, never SIGKILLed.
          expect(run.killed).toBe(false);
          expect(run.shutdownMs).toBeLessThan(SHUTDOWN_BOUND_MS);
          // One rate-limited warning naming the destination, no unhandled errors.
          const output = run.app.output();
          const warnings = output
            .split('\n')
            .filter((line) => /Exporting metrics to .* failed/.test(line));
          expect(warnings.length).toBeGreaterThanOrEqual(1);
          expect(warnings.length).toBeLessThanOrEqual(2);
          expect(warnings[0]).toContain(endpoint);
          expect(output).not.toMatch(/Unhandled|uncaught/i);
        }
        if (receiver !== undefined) {
          // The exporter kept trying (it did not give up after the first failures)...
          const attempts = receiver.requests();
          expect(attempts.length).toBeGreaterThan(10);
          // ...and nothing was decoded or answered 200.
          expect(receiver.exports()).toEqual([]);
        }
      } finally {
        await receiver?.close();
      }
    });
  },
);
