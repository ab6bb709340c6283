import * as fs from 'node:fs';
import * as path from 'node:path';
import { dump } from 'js-yaml';
import {
  DEPLOY_DIR,
  expectSuccess,
  listFiles,
  readYaml,
  run,
  withTempDir,
} from './deploy-tools';

const GRAFANA_DIR = path.join(DEPLOY_DIR, 'grafana');
const DASHBOARDS_DIR = path.join(GRAFANA_DIR, 'dashboards');

/** Stable dashboard uids: links and bookmarks depend on them. */
const EXPECTED_UIDS = [
  'prs-business-events',
  'prs-database-cache',
  'prs-health',
  'prs-runtime',
  'prs-service-overview',
];

/** prs_* metrics of the SDK contract (histograms add _bucket/_sum/_count). */
const PRS_METRICS = [
  'prs_http_requests_total',
  'prs_http_request_duration_seconds',
  'prs_active_users_total',
  'prs_database_queries_total',
  'prs_database_query_duration_seconds',
  'prs_cache_operations_total',
  'prs_cache_operation_duration_seconds',
  'prs_business_events_total',
  'prs_health_check_status',
  'prs_health_check_duration_seconds',
  'prs_metric_series_overflow_total',
  'prs_telemetry_spans_dropped_total',
  'prs_telemetry_export_failures_total',
  'prs_log_records_dropped_total',
];

interface Target {
  refId: string;
  expr?: string;
  datasource?: { type?: string; uid?: string };
}

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
}

interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; type: string; query?: unknown }[] };
}

const dashboardFiles = listFiles(DASHBOARDS_DIR, '.json');

function parseDashboard(file: string): Dashboard {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Dashboard;
}

function panelsOf(dashboard: Dashboard): Panel[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

/** Every target expr of every dashboard, with where it comes from. */
function allExprs(): { where: string; expr: string }[] {
  return dashboardFiles.flatMap((file) =>
    panelsOf(parseDashboard(file)).flatMap((panel) =>
      (panel.targets ?? []).map((target) => ({
        where: `${path.basename(file)} panel ${panel.id} "${panel.title}" ${target.refId}`,
        expr: target.expr ?? '',
      })),
    ),
  );
}

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
