import type {
  ResolvedSloObjective,
  ResolvedSloOptions,
} from './slo-options.interface';
import { formatDuration, windowSuffix } from './slo-windows';

/** Recording rule names; one name per window, one series per objective (`slo` label). */
export const SLO_RECORDS = {
  errorRatio: (seconds: number) =>
    `slo:sli_error:ratio_rate${windowSuffix(seconds)}`,
  windowErrorRatio: 'slo:sli_error:ratio_window',
  objective: 'slo:objective:ratio',
  budgetRemaining: 'slo:error_budget:remaining_ratio',
} as const;

/** The labels every series and alert of an objective carries. */
export function sloLabels(
  service: string,
  objective: ResolvedSloObjective,
): Record<string, string> {
  const route = objective.route;
  return {
    slo: objective.name,
    service,
    objective: String(objective.objective),
    route: route ? `${route.method} ${route.endpoint}` : 'all',
  };
}

/** The error budget as a ratio (`0.001` for 99.9), rounded to hide float noise. */
export function budgetOf(objective: ResolvedSloObjective): number {
  return Number((1 - objective.objective / 100).toPrecision(12));
}

/** `{slo="name"}`, the matcher that picks one objective's recorded series. */
export function sloMatcher(objective: ResolvedSloObjective): string {
  return `{slo="${objective.name}"}`;
}

function selector(service: string, objective: ResolvedSloObjective): string {
  const parts = [`job="${service}"`];
  if (objective.route)
    parts.push(
      `method="${objective.route.method}"`,
      `endpoint="${objective.route.endpoint}"`,
    );
  return parts.join(',');
}

/** `5xx` → `5..`: the `status_code` regex of the error statuses. */
export function statusRegex(statuses: readonly string[]): string {
  return statuses.map((s) => s.replace(/xx$/, '..')).join('|');
}

/**
 * The share of bad requests of one objective over `seconds` (a window already
 * scaled), summed over every instance of the service: availability counts error
 * statuses (no error series yet counts as 0), latency counts requests slower than the
 * threshold bucket.
 */
export function errorRatioExpr(
  slo: ResolvedSloOptions,
  objective: ResolvedSloObjective,
  seconds: number,
): string {
  const sel = selector(slo.service, objective);
  const range = `[${formatDuration(seconds)}]`;
  if (objective.kind === 'latency') {
    const count = `sum(rate(prs_http_request_duration_seconds_count{${sel}}${range}))`;
    const fast = `sum(rate(prs_http_request_duration_seconds_bucket{${sel},le="${String(objective.threshold)}"}${range}))`;
    return `1 - (${fast} / ${count})`;
  }
  const errors = `sum(rate(prs_http_requests_total{${sel},status_code=~"${statusRegex(objective.errorStatuses)}"}${range}))`;
  const all = `sum(rate(prs_http_requests_total{${sel}}${range}))`;
  return `(${errors} or vector(0)) / ${all}`;
}

/** One line that says what the objective promises. */
export function describeObjective(objective: ResolvedSloObjective): string {
  const scope = objective.route
    ? `${objective.route.method} ${objective.route.endpoint}`
    : 'all requests';
  const what =
    objective.kind === 'latency'
      ? `answered within ${String(objective.threshold)} s`
      : `not answered with ${objective.errorStatuses.join('/')}`;
  return `${objective.objective}% of ${scope} ${what} over ${windowSuffix(objective.windowSeconds)}`;
}
