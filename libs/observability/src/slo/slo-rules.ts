import type {
  ResolvedSloObjective,
  ResolvedSloOptions,
} from './slo-options.interface';
import {
  SLO_RECORDS,
  budgetOf,
  describeObjective,
  errorRatioExpr,
  sloLabels,
  sloMatcher,
} from './slo-queries';
import {
  BURN_TIERS,
  ERROR_RATIO_WINDOWS,
  formatDuration,
  type BurnTier,
} from './slo-windows';

/** How `prs-observability slo-rules` generates; see docs/slo.md. */
export interface SloGeneratorOptions {
  /**
   * Divides every window (and nothing else) by this factor, for live tests: with 60,
   * the page tier's 1 h and 5 m windows become 1 m and 5 s. Recorded names keep the
   * unscaled window (`ratio_rate1h`). Never for production.
   * @default 1
   */
  scale?: number;
  /**
   * Base URL of Grafana, for the dashboard link of every alert.
   * @default 'http://localhost:3000'
   */
  grafanaUrl?: string;
}

/** One Prometheus rule, as a rule file holds it. */
export interface PromRule {
  record?: string;
  alert?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** One rule group of a rule file. */
export interface PromRuleGroup {
  name: string;
  rules: PromRule[];
}

/** Alert names: the page alert and the ticket alert of every objective. */
export const SLO_ALERTS = {
  page: 'SloErrorBudgetBurnPage',
  ticket: 'SloErrorBudgetBurnTicket',
} as const;

/** Alertmanager severities the page and ticket alerts carry (the routes of deploy/alertmanager). */
export const SLO_SEVERITY = { page: 'critical', ticket: 'warning' } as const;

/** The Grafana dashboard uid of a service's objectives. */
export function sloDashboardUid(service: string): string {
  const slug = service.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return `slo-${slug}`.slice(0, 40).replace(/-+$/, '');
}

/** The dashboard link of an objective's alerts. */
export function sloDashboardUrl(
  service: string,
  objective: ResolvedSloObjective,
  options: SloGeneratorOptions,
): string {
  const base = (options.grafanaUrl ?? 'http://localhost:3000').replace(
    /\/+$/,
    '',
  );
  return `${base}/d/${sloDashboardUid(service)}?var-slo=${objective.name}`;
}

/**
 * The rule group of one objective: the error ratio over every window the burn tiers
 * need and over the objective's window, the objective and the error budget left
 * (recording rules), then the page and ticket alerts.
 */
export function sloRuleGroups(
  slo: ResolvedSloOptions,
  objective: ResolvedSloObjective,
  options: SloGeneratorOptions = {},
): PromRuleGroup[] {
  const scale = options.scale ?? 1;
  const labels = sloLabels(slo.service, objective);
  const records: PromRule[] = ERROR_RATIO_WINDOWS.map((seconds) => ({
    record: SLO_RECORDS.errorRatio(seconds),
    expr: errorRatioExpr(slo, objective, seconds / scale),
    labels,
  }));
  const match = sloMatcher(objective);
  records.push(
    {
      record: SLO_RECORDS.windowErrorRatio,
      expr: errorRatioExpr(slo, objective, objective.windowSeconds / scale),
      labels,
    },
    {
      record: SLO_RECORDS.objective,
      expr: `vector(${String(Number((objective.objective / 100).toPrecision(12)))})`,
      labels,
    },
    {
      record: SLO_RECORDS.budgetRemaining,
      expr: `1 - ${SLO_RECORDS.windowErrorRatio}${match} / ${String(budgetOf(objective))}`,
      labels,
    },
  );
  const alerts = (['page', 'ticket'] as const).map((severity) =>
    alertRule(slo, objective, severity, options),
  );
  // One group: rules of a group run in order, so the alerts (and the budget their
  // annotation queries) read this evaluation's ratios, not the previous one's.
  return [{ name: `slo-${objective.name}`, rules: [...records, ...alerts] }];
}

function alertRule(
  slo: ResolvedSloOptions,
  objective: ResolvedSloObjective,
  severity: 'page' | 'ticket',
  options: SloGeneratorOptions,
): PromRule {
  const scale = options.scale ?? 1;
  const tiers = BURN_TIERS.filter((tier) => tier.severity === severity);
  const budget = String(budgetOf(objective));
  const match = sloMatcher(objective);
  const expr = tiers
    .map(
      (tier) =>
        `(\n  ${SLO_RECORDS.errorRatio(tier.longSeconds)}${match} > ${tier.burnRate} * ${budget}\nand\n  ` +
        `${SLO_RECORDS.errorRatio(tier.shortSeconds)}${match} > ${tier.burnRate} * ${budget}\n)`,
    )
    .join('\nor\n');
  const window = formatDuration(objective.windowSeconds / scale);
  return {
    alert: SLO_ALERTS[severity],
    expr,
    labels: { severity: SLO_SEVERITY[severity], slo_severity: severity },
    annotations: {
      summary: `SLO ${objective.name} of ${slo.service} burns its error budget too fast (${severity})`,
      description:
        `Objective: ${describeObjective(objective)}. Errors exceed ` +
        tiers.map((tier) => tierText(tier, scale)).join(', or ') +
        `. Error budget left over ${window}: ` +
        `{{ with query "${SLO_RECORDS.budgetRemaining}{slo=\\"${objective.name}\\"}" }}` +
        '{{ . | first | value | humanizePercentage }}{{ end }}.',
      dashboard: sloDashboardUrl(slo.service, objective, options),
    },
  };
}

function tierText(tier: BurnTier, scale: number): string {
  return (
    `${tier.burnRate}x the budget rate over ${formatDuration(tier.longSeconds / scale)} ` +
    `and ${formatDuration(tier.shortSeconds / scale)}`
  );
}
