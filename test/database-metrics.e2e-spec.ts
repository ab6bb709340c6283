import { join } from 'node:path';
import {
  ADAPTERS,
  REPO_ROOT,
  runFixtureToExit,
  startFixture,
  type RunningFixture,
} from './support/fixture-process';
import { linesOf, scrape, valueOf } from './support/exposition';
import {
  clearFixtureCache,
  fixtureCacheKey,
  prepareFixtureTable,
} from './support/fixture-db';

describe.each(ADAPTERS)(
  'database and cache metrics on %s (real Postgres and Redis)',
  (adapter) => {
    let app: RunningFixture;
    beforeAll(async () => {
      prepareFixtureTable();
      clearFixtureCache();
      app = await startFixture({ adapter, env: { FIXTURE_STORE: '1' } });
    });
    afterAll(() => app.stop());

    it('counts select/insert/update/delete/error queries with the parsed table, and times them', async () => {
      expect(await (await fetch(app.url('/api/store/deals/1'))).json()).toEqual(
        { id: 1, title: 'first' },
      );
      expect(
        (await fetch(app.url('/api/store/deals'), { method: 'POST' })).status,
      ).toBe(201);
      expect((await fetch(app.url('/api/store/broken'))).status).toBe(500);
      const text = await scrape(app.url('/metrics'));
      expect(linesOf(text, 'prs_database_queries_total').sort()).toEqual(
        [
          'prs_database_queries_total{operation="select",table="fixture_deals"} 1',
          'prs_database_queries_total{operation="insert",table="fixture_deals"} 1',
          'prs_database_queries_total{operation="update",table="fixture_deals"} 1',
          'prs_database_queries_total{operation="delete",table="fixture_deals"} 1',
          'prs_database_queries_total{operation="other",table="unknown"} 2',
          'prs_database_queries_total{operation="error",table="fixture_no_such_table"} 1',
        ].sort(),
      );
      for (const operation of [
        'select',
        'insert',
        'update',
        'delete',
        'error',
      ]) {
        expect(
          valueOf(text, 'prs_database_query_duration_seconds_count', {
            operation,
          }),
        ).toBe(1);
      }
      expect(text).toContain(
        '# TYPE prs_database_query_duration_seconds histogram',
      );
    });

    it('counts cache commands by name and status, never keys or values', async () => {
      clearFixtureCache();
      await fetch(app.url('/api/store/deals/1')); // miss: get + set
      await fetch(app.url('/api/store/deals/1')); // hit: get
      const text = await scrape(app.url('/metrics'));
      expect(
        valueOf(text, 'prs_cache_operations_total', {
          command: 'set',
          status: 'success',
        }),
      ).toBe(2);
      expect(
        valueOf(text, 'prs_cache_operations_total', {
          command: 'get',
          status: 'success',
        }),
      ).toBeGreaterThanOrEqual(3);
      expect(
        valueOf(text, 'prs_cache_operation_duration_seconds_count', {
          command: 'set',
        }),
      ).toBe(2);
      expect(text).not.toContain(fixtureCacheKey(1));
      expect(text).not.toContain('fixture:');
    });
  },
);

describe('bootstrap check', () => {
  it('warns at startup, naming the module and the fix, when pg was loaded before the SDK', async () => {
    const { output } = await runFixtureToExit({
      preload: false,
      entry: join(REPO_ROOT, 'dist', 'test', 'fixtures', 'late-pg-main.js'),
      env: { FIXTURE_EXIT_AFTER_START: '1' },
    });
    expect(output).toContain(
      'pg was loaded before the observability SDK started, so it is not instrumented: no spans and no metrics for it. ' +
        'Start the app with `node --import @prs/nestjs-observability/register dist/main.js`, or call startObservability() ' +
        'before anything imports pg.',
    );
    expect(output).not.toContain('ioredis was loaded before');
    expect(output).toContain('FIXTURE_LISTENING');
  });
});
