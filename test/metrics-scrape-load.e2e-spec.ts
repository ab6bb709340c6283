import { Agent, request } from 'node:http';
import { Worker } from 'node:worker_threads';
import {
  ADAPTERS,
  startFixture,
  type RunningFixture,
} from './support/fixture-process';

const SCRAPERS = 50;
const RATE_PER_S = 200;
const RUN_MS = 1_300;
const RUNS = 5;

/**
 * 50 scrapers looping on `/metrics` as fast as answers come, in a worker thread so their
 * work does not delay the load generator's clock. `start` launches them, `stop` ends them
 * and reports every status got since `start`; the thread itself lives across runs, so its
 * start-up is not measured.
 */
const SCRAPER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, scrapers } = workerData;
let running = false;
let statuses = {};
let missingRetryAfter = 0;
let loops = Promise.resolve();
const loop = async () => {
  while (running) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(10000) });
      await res.arrayBuffer();
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      if (res.status === 503 && !res.headers.get('retry-after')) missingRetryAfter++;
    } catch (error) {
      statuses[error.name] = (statuses[error.name] ?? 0) + 1;
    }
  }
};
parentPort.on('message', async (command) => {
  if (command === 'start') {
    running = true;
    statuses = {};
    missingRetryAfter = 0;
    loops = Promise.all(Array.from({ length: scrapers }, loop));
  } else {
    running = false;
    await loops;
    parentPort.postMessage({ statuses, missingRetryAfter });
  }
});
parentPort.postMessage('ready');
`;

interface ScrapeReport {
  statuses: Record<string, number>;
  missingRetryAfter: number;
}

/** The scraper thread for `url`; `close` terminates it. */
async function scraperThread(url: string) {
  const worker = new Worker(SCRAPER_SOURCE, {
    eval: true,
    workerData: { url, scrapers: SCRAPERS },
  });
  await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    start: () => worker.postMessage('start'),
    stop: async () => {
      const report = new Promise<ScrapeReport>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      worker.postMessage('stop');
      return report;
    },
    close: () => worker.terminate(),
  };
}

/** Open-loop load: one GET every 1/RATE s whatever the answers; returns latencies in ms. */
async function steadyLoad(
  url: string,
  agent: Agent,
  durationMs = RUN_MS,
): Promise<number[]> {
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const start = performance.now();
  const total = (RATE_PER_S * durationMs) / 1000;
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / RATE_PER_S;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    // Latency counts from when the request was due, so a stalled generator is not hidden.
    pending.push(
      get(url, agent).then(() => void latencies.push(performance.now() - due)),
    );
  }
  await Promise.all(pending);
  return latencies;
}

function get(url: string, agent: Agent): Promise<void> {
  return new Promise((resolve, reject) => {
    request(url, { agent }, (res) => {
      res.resume();
      res.once('end', () =>
        res.statusCode === 200
          ? resolve()
          : reject(new Error(`status ${res.statusCode}`)),
      );
    })
      .once('error', reject)
      .end();
  });
}

const total = (report: ScrapeReport) =>
  Object.values(report.statuses).reduce((sum, n) => sum + n, 0);

function p99(latencies: number[]): number {
  const sorted = [...latencies].sort((a, b) => a - b);
  return sorted[Math.ceil(sorted.length * 0.99) - 1] ?? NaN;
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

describe.each(ADAPTERS)(
  '/metrics under 50 looping scrapers (%s)',
  (adapter) => {
    let app: RunningFixture;
    const agent = new Agent({ keepAlive: true, maxSockets: 64 });
    beforeAll(async () => {
      app = await startFixture({ adapter });
    });
    afterAll(async () => {
      agent.destroy();
      await app?.stop();
    });

    it(`keeps the app's p99 at ${RATE_PER_S} req/s within 2x (or 5 ms) of the unscraped baseline, every scrape answered 200 or 503 + Retry-After`, async () => {
      const target = app.url('/api/items/1');
      // Warm-up (JIT, sockets, routes, the exposition writer), then the scraper thread.
      await steadyLoad(target, agent, 500);
      for (let i = 0; i < 3; i++)
        await (await fetch(app.url('/metrics'))).arrayBuffer();
      const scrapers = await scraperThread(app.url('/metrics'));
      const baseline: number[] = [];
      const scraped: number[] = [];
      const reports: ScrapeReport[] = [];
      try {
        // Five alternated pairs, medians compared: a neighbour loading the shared box for a
        // few seconds hurts both sides alike and is outvoted.
        for (let run = 0; run < RUNS; run++) {
          baseline.push(p99(await steadyLoad(target, agent)));
          scrapers.start();
          await new Promise((resolve) => setTimeout(resolve, 200));
          scraped.push(p99(await steadyLoad(target, agent)));
          reports.push(await scrapers.stop());
        }
      } finally {
        await scrapers.close();
      }
      const figures = {
        baselineP99Ms: baseline.map((v) => Math.round(v * 10) / 10),
        scrapedP99Ms: scraped.map((v) => Math.round(v * 10) / 10),
        scrapes: reports.map((r) => r.statuses),
      };
      console.log(`${adapter}: ${JSON.stringify(figures)}`);
      for (const report of reports) {
        expect(
          Object.keys(report.statuses).filter(
            (s) => s !== '200' && s !== '503',
          ),
        ).toEqual([]);
        expect(report.missingRetryAfter).toBe(0);
        expect(report.statuses['200']).toBeGreaterThan(0);
        // Throttled to one shared collection a second: about 50 answers per second in all, not thousands.
        expect(total(report)).toBeLessThanOrEqual(SCRAPERS * 5);
      }
      // Within 2x of the baseline, or 5 ms of it when 2x is a sliver: a baseline p99 of 1.6 ms
      // gives 3.2 ms, which one GC pause in the window can cross (seen: 3.4 ms).
      const allowed = Math.max(2 * median(baseline), median(baseline) + 5);
      expect(median(scraped)).toBeLessThanOrEqual(allowed);
    }, 60_000);
  },
);

describe('dedicated metrics port (metrics.port) under 50 looping scrapers', () => {
  let app: RunningFixture;
  beforeAll(async () => {
    app = await startFixture({ options: { metrics: { port: 0 } } });
  });
  afterAll(() => app?.stop());

  it(`shares and throttles collections the same way: at most ${SCRAPERS * 5} answers in 1.5 s, each 200 or 503 + Retry-After`, async () => {
    const port =
      /Prometheus metrics at http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(
        app.output(),
      )?.[1];
    expect(port).toBeDefined();
    const scrapers = await scraperThread(`http://127.0.0.1:${port}/metrics`);
    scrapers.start();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const report = await scrapers.stop();
    await scrapers.close();
    console.log(`metrics.port: ${JSON.stringify(report.statuses)}`);
    expect(
      Object.keys(report.statuses).filter((s) => s !== '200' && s !== '503'),
    ).toEqual([]);
    expect(report.missingRetryAfter).toBe(0);
    expect(report.statuses['200']).toBeGreaterThanOrEqual(SCRAPERS);
    expect(total(report)).toBeLessThanOrEqual(SCRAPERS * 5);
  });
});
