import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEPLOY_DIR, listFiles } from './deploy-tools';

/** Reading the Grafana dashboards of deploy/grafana/dashboards/ (shared by the deploy tests). */

export const GRAFANA_DIR = path.join(DEPLOY_DIR, 'grafana');
export const DASHBOARDS_DIR = path.join(GRAFANA_DIR, 'dashboards');

/** prs_* metrics of the SDK contract (histograms add _bucket/_sum/_count). */
export const PRS_METRICS = [
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

export interface Target {
  refId: string;
  expr?: string;
  datasource?: { type?: string; uid?: string };
}

export interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
}

export interface TemplateVariable {
  name: string;
  type: string;
  query?: unknown;
  definition?: string;
  includeAll?: boolean;
  allValue?: string;
}

export interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: TemplateVariable[] };
}

/** One panel query, and where it comes from. */
export interface PanelExpr {
  /** File name, e.g. `prs-health.json`. */
  file: string;
  panel: Panel;
  refId: string;
  expr: string;
  /** `prs-health.json panel 6 "Probe success" A`, for messages. */
  where: string;
}

export const dashboardFiles = listFiles(DASHBOARDS_DIR, '.json');

export function parseDashboard(file: string): Dashboard {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Dashboard;
}

/** Every panel of the dashboard, the panels of rows (collapsed or not) included, depth first. */
export function panelsOf(dashboard: Dashboard): Panel[] {
  const walk = (panels: Panel[]): Panel[] =>
    panels.flatMap((panel) => [panel, ...walk(panel.panels ?? [])]);
  return walk(dashboard.panels);
}

/** Every target expr of every dashboard, with where it comes from. */
export function allExprs(): PanelExpr[] {
  return dashboardFiles.flatMap((file) =>
    panelsOf(parseDashboard(file)).flatMap((panel) =>
      (panel.targets ?? []).map((target) => ({
        file: path.basename(file),
        panel,
        refId: target.refId,
        expr: target.expr ?? '',
        where: `${path.basename(file)} panel ${panel.id} "${panel.title}" ${target.refId}`,
      })),
    ),
  );
}

/** The PromQL of a Grafana `query` variable, when it is one (`label_values(<expr>, label)`). */
export function variableQuery(
  variable: TemplateVariable,
): { expr: string; label: string } | undefined {
  if (variable.type !== 'query') return undefined;
  const query = variable.query;
  const text =
    typeof query === 'string'
      ? query
      : typeof query === 'object' && query !== null && 'query' in query
        ? String(query.query)
        : (variable.definition ?? '');
  const match = /^\s*label_values\((.+),\s*(\w+)\s*\)\s*$/.exec(text);
  if (!match) throw new Error(`variable ${variable.name}: unsupported ${text}`);
  return { expr: match[1] ?? '', label: match[2] ?? '' };
}
