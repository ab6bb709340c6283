import { join } from 'node:path';
import { linesOf, scrape } from './support/exposition';
import {
  ADAPTERS,
  REPO_ROOT,
  startFixture,
  type RunningFixture,
} from './support/fixture-process';

const BUSINESS_MAIN = join(
  REPO_ROOT,
  'dist',
  'test',
  'fixtures',
  'business',
  'main.js',
);
const GAUGE = 'prs_active_users_total';

describe.each(ADAPTERS)('prs_active_users_total on %s', (adapter) => {
  describe('from the in-process tracker', () => {
    let app: RunningFixture;
    beforeAll(async () => {
      app = await startFixture({ adapter, entry: BUSINESS_MAIN });
    });
    afterAll(() => app.stop());

    it('is absent until a user is tracked, then counts distinct users touched by the auth guard', async () => {
      expect(linesOf(await scrape(app.url('/metrics')), GAUGE)).toEqual([]);
      const statuses: number[] = [];
      for (const user of [
        'alice',
        'bob',
        'alice',
        'carol',
        'dave',
        'bob',
        'erin',
        '',
      ]) {
        const headers: Record<string, string> = user ? { 'x-user': user } : {};
        statuses.push((await fetch(app.url('/api/me'), { headers })).status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 403]);
      expect(linesOf(await scrape(app.url('/metrics')), GAUGE)).toEqual([
        'prs_active_users_total 5',
      ]);
    });
  });

  describe('from a source that hangs', () => {
    let app: RunningFixture;
    beforeAll(async () => {
      app = await startFixture({
        adapter,
        entry: BUSINESS_MAIN,
        env: { ACTIVE_USERS_SOURCE: '1' },
      });
    });
    afterAll(() => app.stop());

    it('answers every scrape at once with the last good value, and logs the timeout', async () => {
      await fetch(app.url('/api/source/value/7'), { method: 'POST' });
      // Each scrape reports the previous refresh and starts the next: bounded polling.
      let lines: string[] = [];
      for (let i = 0; i < 20 && lines[0] !== 'prs_active_users_total 7'; i++) {
        lines = linesOf(await scrape(app.url('/metrics')), GAUGE);
        if (lines[0] !== 'prs_active_users_total 7')
          await new Promise((r) => setTimeout(r, 50));
      }
      expect(lines).toEqual(['prs_active_users_total 7']);

      await fetch(app.url('/api/source/hang'), { method: 'POST' });
      const timings: number[] = [];
      for (let i = 0; i < 4; i++) {
        const started = performance.now();
        expect(linesOf(await scrape(app.url('/metrics')), GAUGE)).toEqual([
          'prs_active_users_total 7',
        ]);
        timings.push(performance.now() - started);
        await new Promise((r) => setTimeout(r, 150)); // crosses the 300 ms deadline
      }
      expect(Math.max(...timings)).toBeLessThan(1_000);
      expect(app.output()).toContain(
        'activeUsers.source did not answer within 300 ms (activeUsers.sourceTimeoutMs); prs_active_users_total keeps reporting its last value',
      );
    });
  });
});
