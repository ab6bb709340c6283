import { METRIC_SUFFIXES } from '../libs/observability/src/core/metric-names';
import { type DemoApp, startDemo } from './support/demo-app';
import { metricRows, readDoc } from './support/readme';

// The metric tables a user reads: the root README's (two tables: "Metrics" and "Database and
// cache metrics") and the package's own README (one table, the same rows), against the names
// in the code and a real scrape.
const rootRows = metricRows(readDoc('README.md'));
const packageRows = metricRows(readDoc('libs/observability/README.md'));

/** A cell as a reader sees it: links reduced to their text, so relative targets may differ. */
const shown = (cell: string) => cell.replace(/\]\([^)]*\)/g, ']');

/** Label names of every series of `name` in an exposition (sample lines, buckets' `le` aside). */
function scrapedLabels(text: string, name: string): string[] | undefined {
  const sample = new RegExp(`^${name}(?:_count|_sum)?(?:\\{([^}]*)\\})? `);
  let labels: string[] | undefined;
  for (const line of text.split('\n')) {
    const match = sample.exec(line);
    if (!match) continue;
    const names = [...(match[1] ?? '').matchAll(/(\w+)="/g)].map(
      (m) => m[1] ?? '',
    );
    labels = [...new Set([...(labels ?? []), ...names])];
  }
  return labels?.sort();
}

describe('README metric tables', () => {
  it('name every prs_ metric of the code once, in both READMEs, row for row', () => {
    expect(rootRows.map((r) => r.name).sort()).toEqual(
      Object.values(METRIC_SUFFIXES)
        .map((suffix) => `prs_${suffix}`)
        .sort(),
    );
    expect(packageRows.map((r) => r.cells.map(shown))).toEqual(
      rootRows.map((r) => r.cells.map(shown)),
    );
  });

  describe('against a scrape of the demo', () => {
    let demo: DemoApp;
    beforeAll(async () => {
      demo = await startDemo('express');
    }, 120_000);
    afterAll(() => demo?.app.stop());

    it('have the types and labels the exposition shows', async () => {
      // What a first hour with the app does: a login (business event, active user), a read,
      // a 404, a readiness probe.
      const login = await fetch(demo.app.url('/api/auth/login'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'alice', password: 'prs-demo' }),
      });
      expect(login.status).toBe(200);
      expect((await fetch(demo.app.url('/api/deals/1'))).status).toBe(200);
      expect((await fetch(demo.app.url('/nope'))).status).toBe(404);
      expect((await fetch(demo.app.url('/health/ready'))).status).toBe(200);
      const text = await (await fetch(demo.app.url('/metrics'))).text();

      // Overflow and log drops need a fault; the cluster metrics exist on a cluster primary
      // only (test/cluster-metrics.e2e-spec.ts scrapes them there).
      const onlyAfterAFault = [
        'prs_metric_series_overflow_total',
        'prs_log_records_dropped_total',
        'prs_cluster_workers',
        'prs_cluster_worker_up',
      ];
      for (const row of rootRows) {
        const type = new RegExp(`^# TYPE ${row.name} (\\w+)$`, 'm').exec(
          text,
        )?.[1];
        const labels = scrapedLabels(text, row.name);
        if (onlyAfterAFault.includes(row.name)) {
          expect({ name: row.name, labels }).toEqual({
            name: row.name,
            labels: undefined,
          });
          continue;
        }
        expect({ name: row.name, type, labels }).toEqual({
          name: row.name,
          type: row.type,
          labels: [...row.labels].sort(),
        });
      }
    }, 60_000);
  });
});
