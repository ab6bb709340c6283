import * as fs from 'node:fs';
import * as path from 'node:path';
import { dump } from 'js-yaml';
import {
  DASHBOARDS_DIR,
  GRAFANA_DIR,
  PRS_METRICS,
  allExprs,
  dashboardFiles,
  panelsOf,
  parseDashboard,
} from './dashboards';
import { expectSuccess, readYaml, run, withTempDir } from './deploy-tools';

/** Stable dashboard uids: links and bookmarks depend on them. */
const EXPECTED_UIDS = [
  'prs-business-events',
  'prs-database-cache',
  'prs-health',
  'prs-runtime',
  'prs-service-overview',
];

/** Replaces Grafana's variables with values PromQL accepts. */
function toPromql(expr: string): string {
  return expr
    .replace(/\$__(rate_interval|interval|range)\b/g, '5m')
    .replace(/\$\{(\w+)(:\w+)?\}|\$(\w+)|\[\[(\w+)\]\]/g, '.*');
}

describe('Grafana provisioning', () => {
  it('provisions the Prometheus datasource with the stable uid `prometheus`', () => {
    const file = readYaml<{
      apiVersion: number;
      datasources: { uid: string; type: string; url: string }[];
    }>(path.join(GRAFANA_DIR, 'provisioning', 'datasources', 'prometheus.yml'));
    expect(file.apiVersion).toBe(1);
    expect(file.datasources).toEqual([
      expect.objectContaining({
        uid: 'prometheus',
        type: 'prometheus',
        url: 'http://prometheus:9090',
      }),
    ]);
  });

  it('provisions the dashboards folder that docker compose mounts', () => {
    const file = readYaml<{
      providers: { type: string; options: { path: string } }[];
    }>(path.join(GRAFANA_DIR, 'provisioning', 'dashboards', 'dashboards.yml'));
    expect(file.providers).toEqual([
      expect.objectContaining({
        type: 'file',
        options: expect.objectContaining({
          path: '/var/lib/grafana/dashboards',
        }),
      }),
    ]);
  });
});

describe('Grafana dashboards', () => {
  const dashboards = dashboardFiles.map((file) => ({
    file,
    dashboard: parseDashboard(file),
  }));

  it('have unique, stable uids and unique titles', () => {
    const uids = dashboards.map(({ dashboard }) => dashboard.uid);
    expect([...uids].sort()).toEqual(EXPECTED_UIDS);
    const titles = dashboards.map(({ dashboard }) => dashboard.title);
    expect(new Set(titles).size).toBe(titles.length);
    for (const { file, dashboard } of dashboards) {
      expect(path.basename(file)).toBe(`${dashboard.uid}.json`);
      expect(dashboard.uid.length).toBeLessThanOrEqual(40);
    }
  });

  it.each(dashboardFiles.map((file) => [path.basename(file)]))(
    '%s: every panel queries Prometheus through ${datasource} or the uid `prometheus`',
    (name) => {
      const dashboard = parseDashboard(path.join(DASHBOARDS_DIR, name));
      expect(
        dashboard.templating.list.find((v) => v.name === 'datasource'),
      ).toMatchObject({ type: 'datasource', query: 'prometheus' });
      const panels = panelsOf(dashboard).filter((p) => p.type !== 'row');
      expect(panels.length).toBeGreaterThan(0);
      const ids = panelsOf(dashboard).map((panel) => panel.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const panel of panels) {
        expect(panel.targets?.length).toBeGreaterThan(0);
        for (const source of [
          panel.datasource,
          ...(panel.targets ?? []).map((t) => t.datasource),
        ]) {
          expect(['${datasource}', 'prometheus']).toContain(source?.uid);
        }
        for (const target of panel.targets ?? []) {
          expect(target.expr?.trim()).toBeTruthy();
        }
      }
    },
  );

  it('use only prs_* metric names of the SDK contract', () => {
    const used = new Set(
      allExprs().flatMap(({ expr }) => expr.match(/\bprs_[a-z_]+/g) ?? []),
    );
    const known = new Set(
      PRS_METRICS.flatMap((name) => [
        name,
        `${name}_bucket`,
        `${name}_sum`,
        `${name}_count`,
      ]),
    );
    expect([...used].filter((name) => !known.has(name))).toEqual([]);
    // Every group of the contract is on some dashboard.
    for (const metric of PRS_METRICS) {
      expect([...used].some((name) => name.startsWith(metric))).toBe(true);
    }
  });

  it('every panel expr is valid PromQL (promtool check rules)', () => {
    const exprs = allExprs();
    expect(exprs.length).toBeGreaterThan(20);
    withTempDir((dir) => {
      const file = path.join(dir, 'dashboard-exprs.rules.yml');
      const rules = exprs.map(({ expr }, index) => ({
        record: `dashboard:expr_${index}`,
        expr: toPromql(expr),
      }));
      fs.writeFileSync(
        file,
        dump({ groups: [{ name: 'dashboard-exprs', rules }] }),
      );
      const result = run('promtool', ['check', 'rules', file]);
      if (result.status !== 0) {
        // Point at the dashboard panel behind each failing rule index.
        const bad = [...result.output.matchAll(/dashboard:expr_(\d+)/g)].map(
          (match) => exprs[Number(match[1])]?.where,
        );
        throw new Error(`${bad.join('\n')}\n${result.output}`);
      }
      expectSuccess(result);
      expect(result.output).toContain(`SUCCESS: ${exprs.length} rules found`);
    });
  });
});
