import { get } from 'node:http';
import { performance } from 'node:perf_hooks';
import { ADAPTERS, type RunningFixture } from './support/fixture-process';
import {
  type Answer,
  pollUntil,
  REAL_PG_URL,
  REAL_REDIS_PORT,
  startHealthFixture,
} from './support/health-fixture';

const DRAIN_MS = 1000;
const SLOW_MS = 1500;

/**
 * One GET on its own connection (`Connection: close`): a pooled keep-alive socket left
 * idle by the client would hold the closing server open until the client drops it.
 */
function getOnce(url: string): Promise<Answer> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const req = get(url, { agent: false, timeout: 10_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: JSON.parse(text) as unknown,
          ms: performance.now() - start,
        }),
      );
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}

describe.each(ADAPTERS)('graceful shutdown (%s)', (adapter) => {
  let app: RunningFixture;
  beforeAll(async () => {
    app = await startHealthFixture(
      adapter,
      { health: { drainDelayMs: DRAIN_MS } },
      { HEALTH_PG_URL: REAL_PG_URL, HEALTH_REDIS_PORT: REAL_REDIS_PORT },
    );
    await pollUntil(app.url('/health/ready'), (a) => a.status === 200, 15_000);
  });
  afterAll(() => app?.stop());

  it('flips readiness to 503 within 100 ms of SIGTERM, keeps liveness 200, finishes in-flight requests', async () => {
    const slow = getOnce(app.url(`/api/fixture-health/slow/${SLOW_MS}`));
    await new Promise((resolve) => setTimeout(resolve, 100));

    const sigterm = performance.now();
    const stopped = app.stop(); // sends SIGTERM now, resolves on exit
    const ready: (Answer & { sentAt: number })[] = [];
    const live: Answer[] = [];
    // Poll through most of the drain window; the server still accepts connections then.
    while (performance.now() - sigterm < DRAIN_MS - 300) {
      const sentAt = performance.now() - sigterm;
      const [r, l] = await Promise.all([
        getOnce(app.url('/health/ready')),
        getOnce(app.url('/health/live')),
      ]);
      ready.push({ ...r, sentAt });
      live.push(l);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }

    // Every readiness probe sent 100 ms or more after SIGTERM is refused...
    const late = ready.filter((a) => a.sentAt >= 100);
    expect(late.length).toBeGreaterThan(0);
    expect(late.map((a) => a.status)).toEqual(late.map(() => 503));
    // ...with the reason, and once down it stays down.
    const firstDown = ready.findIndex((a) => a.status === 503);
    expect(ready[firstDown]?.body).toEqual({
      status: 'shutting_down',
      error: 'shutting down',
    });
    expect(ready.slice(firstDown).every((a) => a.status === 503)).toBe(true);
    // Liveness never fails while draining.
    expect(live.length).toBeGreaterThan(0);
    expect(live.map((a) => a.status)).toEqual(live.map(() => 200));

    // Accepted before SIGTERM, still running when the drain ends: it completes.
    expect(await slow).toMatchObject({ status: 200, body: { slept: SLOW_MS } });
    await stopped;
    // Exits once the drain is over and the slow request is done, without the 10 s SIGKILL fallback.
    expect(performance.now() - sigterm).toBeLessThan(
      DRAIN_MS + SLOW_MS + 2_000,
    );
    expect(app.output()).toContain(`readiness answers 503 for ${DRAIN_MS} ms`);
  });
});
