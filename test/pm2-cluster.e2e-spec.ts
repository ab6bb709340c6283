import { readdir } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { sendRequests, signal, sleep, until } from './support/cluster-fixture';
import { sampleSum } from './support/demo-client';
import { linesOf, valueOf } from './support/exposition';
import { ADAPTERS } from './support/fixture-process';
import {
  type Pm2Fixture,
  type Pm2Instance,
  scrapeOnce,
  startPm2Fixture,
} from './support/pm2-fixture';

const INSTANCES = 4;
const REQUESTS = 20_000;
const KILL_REQUESTS = 6_000;
const KILL_AFTER = 1_500;
const COLLECT_TIMEOUT_MS = 1_000;
const PUSH_INTERVAL_MS = 1_000;
/** Wide margin over the documented bound, for a loaded 2-core machine. */
const SCRAPE_MARGIN_MS = 4_000;
const ROUTE = { endpoint: '/api/items/:id' };

// Issue 16, PM2 cluster mode: PM2's daemon is the cluster primary and runs no app code;
// the instances answer /metrics for the group among themselves (docs/cluster.md, "PM2").
describe.each(ADAPTERS)('PM2 cluster mode, 4 instances (%s)', (adapter) => {
  let pm2: Pm2Fixture | undefined;

  /** A scrape on a fresh connection (so on the next instance) that answered 200. */
  const scrape = async (): Promise<string> => {
    const fixture = pm2 as Pm2Fixture;
    return until('a scrape answered', async () => {
      const answer = await scrapeOnce(
        fixture.appUrl('/metrics'),
        COLLECT_TIMEOUT_MS + SCRAPE_MARGIN_MS,
      );
      return answer?.status === 200 ? answer.body : undefined;
    });
  };
  const total = (text: string) =>
    sampleSum(text, 'prs_http_requests_total', ROUTE);
  /** A scrape in which every instance answered in time (on a loaded machine one may be late). */
  const settledScrape = () =>
    until('a scrape every instance answered', async () => {
      const text = await scrape();
      return valueOf(text, 'prs_cluster_workers', { state: 'responding' }) ===
        INSTANCES &&
        valueOf(text, 'prs_cluster_workers', { state: 'missing' }) === 0
        ? text
        : undefined;
    });

  /** Sends `count` requests while scraping every 100 ms; returns the responses and the scraped totals. */
  const loadWhileScraping = async (
    count: number,
    onResponse?: (responses: number, latest: string) => void,
  ) => {
    const fixture = pm2 as Pm2Fixture;
    const totals: number[] = [];
    let latest = '';
    let loading = true;
    const scraper = (async () => {
      while (loading) {
        latest = await scrape();
        totals.push(total(latest));
        await sleep(100);
      }
    })();
    try {
      const load = await sendRequests(
        fixture.appUrl(''),
        count,
        (i) => `/api/items/${i}`,
        16,
        (responses) => onResponse?.(responses, latest),
      );
      return { load, totals };
    } finally {
      loading = false;
      await scraper;
    }
  };
  const expectNeverDecreasing = (totals: number[]) => {
    expect(totals.length).toBeGreaterThan(1);
    for (let i = 1; i < totals.length; i++)
      expect(totals[i]).toBeGreaterThanOrEqual(totals[i - 1]!);
  };
  /** The instance that served the most requests in `text`, with its pid. */
  const busiest = async (text: string): Promise<Pm2Instance> => {
    const fixture = pm2 as Pm2Fixture;
    const list = (await fixture.instances()).filter(
      (i) => i.status === 'online',
    );
    const served = (id: number) =>
      sampleSum(text, 'prs_http_requests_total', {
        ...ROUTE,
        worker: String(id),
      });
    return list.sort((a, b) => served(b.id) - served(a.id))[0]!;
  };
  /** Waits until PM2 runs `id` again under a new pid and it answers the group's scrapes. */
  const replaced = async (victim: Pm2Instance) => {
    const fixture = pm2 as Pm2Fixture;
    await until('PM2 to replace the instance', async () =>
      (await fixture.instances()).some(
        (i) =>
          i.id === victim.id && i.pid !== victim.pid && i.status === 'online',
      )
        ? true
        : undefined,
    );
  };

  beforeAll(async () => {
    pm2 = await startPm2Fixture({
      adapter,
      instances: INSTANCES,
      collectTimeoutMs: COLLECT_TIMEOUT_MS,
      pushIntervalMs: PUSH_INTERVAL_MS,
      workerLabel: true,
    });
  }, 180_000);

  afterAll(async () => {
    await pm2?.stop();
  }, 60_000);

  it('20,000 requests over the instances: one scrape gives exactly 20,000, histogram counts add up, scrapes never decrease', async () => {
    const { load, totals } = await loadWhileScraping(REQUESTS);
    expect(load.statuses.get(200)).toBe(REQUESTS);
    expectNeverDecreasing(totals);

    const text = await settledScrape();
    expect(total(text)).toBe(REQUESTS);
    expect(
      sampleSum(text, 'prs_http_request_duration_seconds_count', ROUTE),
    ).toBe(REQUESTS);
    expect(
      sampleSum(text, 'prs_http_request_duration_seconds_bucket', {
        ...ROUTE,
        le: '+Inf',
      }),
    ).toBe(REQUESTS);
    // Each instance's own series add up to the group's, and the load was spread.
    const ids = (await (pm2 as Pm2Fixture).instances()).map((i) => i.id);
    const perInstance = ids.map((id) =>
      sampleSum(text, 'prs_http_requests_total', {
        ...ROUTE,
        worker: String(id),
      }),
    );
    expect(perInstance.reduce((a, b) => a + b, 0)).toBe(REQUESTS);
    expect(perInstance.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
    expect(linesOf(text, 'prs_cluster_worker_up')).toHaveLength(INSTANCES);
  }, 150_000);

  it('an instance SIGTERMed mid-run is replaced by PM2; counters never decrease and the final total equals the responses', async () => {
    const fixture = pm2 as Pm2Fixture;
    const before = total(await settledScrape());
    let victim: Pm2Instance | undefined;
    let picking = false;
    const { load, totals } = await loadWhileScraping(
      KILL_REQUESTS,
      (responses, latest) => {
        if (picking || responses < KILL_AFTER || total(latest) <= before)
          return;
        picking = true;
        void busiest(latest).then((instance) => {
          victim = instance;
          signal(instance.pid, 'SIGTERM');
        });
      },
    );
    expect(victim).toBeDefined();
    await replaced(victim!);
    expectNeverDecreasing([before, ...totals]);
    const responses = [...load.statuses.values()].reduce((a, b) => a + b, 0);
    expect(responses).toBe(KILL_REQUESTS);

    const text = await settledScrape();
    expect(total(text)).toBe(before + responses);
    expect(
      sampleSum(text, 'prs_http_request_duration_seconds_count', ROUTE),
    ).toBe(before + responses);
    // The SIGTERMed instance's counts live on under worker="retired".
    expect(
      sampleSum(text, 'prs_http_requests_total', {
        ...ROUTE,
        worker: 'retired',
      }),
    ).toBeGreaterThan(0);
    // Its files were folded and removed from the group directory by a scrape.
    await until('the exited instance’s files to be folded', async () => {
      const names = await readdir(fixture.groupDir);
      return names.some((name) => name.startsWith(`${victim!.pid}.`))
        ? (await scrape(), undefined)
        : true;
    });
    expect(total(await settledScrape())).toBe(before + responses);
  }, 150_000);

  it('an instance SIGKILLed mid-run: counters never decrease, and it loses at most what it answered after its last snapshot', async () => {
    const before = total(await settledScrape());
    let victim: Pm2Instance | undefined;
    let seenBeforeKill = 0;
    let picking = false;
    const { load, totals } = await loadWhileScraping(
      KILL_REQUESTS,
      (responses, latest) => {
        if (picking || responses < KILL_AFTER || total(latest) <= before)
          return;
        picking = true;
        seenBeforeKill = total(latest);
        void busiest(latest).then((instance) => {
          victim = instance;
          signal(instance.pid, 'SIGKILL');
        });
      },
    );
    expect(victim).toBeDefined();
    await replaced(victim!);
    expectNeverDecreasing([before, ...totals]);
    const responses = [...load.statuses.values()].reduce((a, b) => a + b, 0);
    expect(responses).toBe(KILL_REQUESTS);

    const text = await settledScrape();
    // Documented bound: what a scrape already served is never lost; at most the victim's
    // answers since its last snapshot (pushIntervalMs, or the last collection) are.
    expect(total(text)).toBeGreaterThanOrEqual(seenBeforeKill);
    expect(total(text)).toBeLessThanOrEqual(before + responses);
    expect(total(text)).toBeGreaterThan(before);
  }, 150_000);

  it('an instance stopped with SIGSTOP costs a scrape at most the collect timeout, and the scrape names it', async () => {
    const fixture = pm2 as Pm2Fixture;
    const before = await settledScrape();
    const online = (await fixture.instances()).filter(
      (i) => i.status === 'online',
    );
    const stopped = online[online.length - 1]!;
    signal(stopped.pid, 'SIGSTOP');
    try {
      // A connection PM2 hands to the stopped instance itself waits like any request to
      // it; the scrapes that land on running instances answer within the bound.
      const answered: string[] = [];
      for (let i = 0; i < INSTANCES && answered.length < 2; i++) {
        const start = performance.now();
        const answer = await scrapeOnce(
          fixture.appUrl('/metrics'),
          COLLECT_TIMEOUT_MS + SCRAPE_MARGIN_MS,
        );
        if (answer?.status !== 200) continue;
        // Documented: a scrape waits at most collectTimeoutMs for its peers.
        expect(performance.now() - start).toBeLessThan(
          COLLECT_TIMEOUT_MS + SCRAPE_MARGIN_MS,
        );
        answered.push(answer.body);
      }
      expect(answered.length).toBeGreaterThanOrEqual(1);
      for (const text of answered) {
        expect(
          valueOf(text, 'prs_cluster_worker_up', {
            worker: String(stopped.id),
          }),
        ).toBe(0);
        expect(
          valueOf(text, 'prs_cluster_workers', { state: 'missing' }),
        ).toBeGreaterThanOrEqual(1);
        // Served from its last snapshot file: the group's counters do not go backwards.
        expect(total(text)).toBe(total(before));
      }
      await until('the warning naming the stopped instance', async () =>
        (await fixture.logs()).includes(
          `PM2 instance ${stopped.id} (pid ${stopped.pid}) did not answer`,
        )
          ? true
          : undefined,
      );
    } finally {
      signal(stopped.pid, 'SIGCONT');
    }
    await settledScrape();
  }, 120_000);
});
