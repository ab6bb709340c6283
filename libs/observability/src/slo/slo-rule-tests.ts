import type {
  ResolvedSloObjective,
  ResolvedSloOptions,
} from './slo-options.interface';
import {
  SLO_ALERTS,
  SLO_SEVERITY,
  sloDashboardUrl,
  type SloGeneratorOptions,
} from './slo-rules';
import {
  budgetOf,
  describeObjective,
  sloLabels,
  statusRegex,
} from './slo-queries';
import { BURN_TIERS, formatDuration, type BurnTier } from './slo-windows';

/** A `promtool test rules` file, as YAML holds it. */
export interface PromRuleTestFile {
  rule_files: string[];
  evaluation_interval: string;
  tests: {
    interval: string;
    input_series: { series: string; values: string }[];
    alert_rule_test: {
      eval_time: string;
      alertname: string;
      exp_alerts: {
        exp_labels: Record<string, string>;
        exp_annotations: Record<string, string>;
      }[];
    }[];
  }[];
}

/** Requests per minute of the test traffic, split over two instances. */
const PER_MINUTE = 1_000_000;
/** "At the burn rate" is this much above it, "just below" this much below. */
const MARGIN = 0.05;
/** Error shares above this cannot be split 1:3 over two instances of equal traffic. */
const MAX_RATIO = 0.6;

interface Segment {
  minutes: number;
  /** Share of failing requests in each of these minutes. */
  ratio: number;
}

interface Case {
  tier: BurnTier;
  segments: Segment[];
  fires: boolean;
}

/**
 * `promtool test rules` cases for every tier of an objective's alerts: traffic that
 * burns the budget just above the tier's rate over its long window fires; just below
 * stays quiet; a spike that fills the short window but not the long one stays quiet.
 * Errors come from one of two instances, so a rule that did not sum over `instance`
 * would fire in the quiet cases. Unscaled windows only.
 */
export function sloRuleTests(
  slo: ResolvedSloOptions,
  objective: ResolvedSloObjective,
  ruleFile: string,
  severity: 'page' | 'ticket',
  options: SloGeneratorOptions = {},
): PromRuleTestFile {
  const budget = budgetOf(objective);
  const tiers = BURN_TIERS.filter((tier) => tier.severity === severity);
  // Clean traffic first, so that the alert's other tier (a longer window) stays quiet.
  const longest = Math.max(...tiers.map((tier) => tier.longSeconds)) / 60;
  const cases: Case[] = tiers.flatMap((tier) => {
    const long = tier.longSeconds / 60;
    const short = tier.shortSeconds / 60;
    const burning = (burn: number): Segment[] => [
      { minutes: longest - long, ratio: 0 },
      { minutes: long, ratio: burn * budget },
    ];
    // Fills the short window above the rate, the long one below it (by the same factor).
    const spike = tier.burnRate * budget * Math.sqrt(long / short);
    return [
      { tier, segments: burning(tier.burnRate * (1 + MARGIN)), fires: true },
      { tier, segments: burning(tier.burnRate * (1 - MARGIN)), fires: false },
      {
        tier,
        segments: [
          { minutes: longest - short, ratio: 0 },
          { minutes: short, ratio: spike },
        ],
        fires: false,
      },
    ].filter((c) => c.segments.every((s) => s.ratio <= MAX_RATIO));
  });
  // Page windows start at 5 m: a sample a minute. Ticket windows start at 2 h: every
  // 10 minutes keeps 3-day cases fast.
  const step = severity === 'page' ? 1 : 10;
  return {
    rule_files: [ruleFile],
    evaluation_interval: `${step}m`,
    tests: cases.map((c) => testOf(slo, objective, c, step, options)),
  };
}

function testOf(
  slo: ResolvedSloOptions,
  objective: ResolvedSloObjective,
  c: Case,
  step: number,
  options: SloGeneratorOptions,
): PromRuleTestFile['tests'][number] {
  const segments = c.segments.filter((s) => s.minutes > 0);
  const minutes = segments.reduce((sum, s) => sum + s.minutes, 0);
  const half = (PER_MINUTE * step) / 2;
  // Errors per minute of each segment: a quarter on instance a, the rest on b.
  const errors = segments.map((s) => Math.round(s.ratio * PER_MINUTE * step));
  const onA = errors.map((e) => Math.round(e / 4));
  const onB = errors.map((e, i) => e - (onA[i] ?? 0));
  const input = [
    ...seriesOf(slo, objective, 'a', onA, half, segments, step),
    ...seriesOf(slo, objective, 'b', onB, half, segments, step),
  ];
  const failed = segments.reduce(
    (sum, s, i) => sum + (s.minutes / step) * (errors[i] ?? 0),
    0,
  );
  const left = 1 - failed / (PER_MINUTE * minutes) / budgetOf(objective);
  const severity = c.tier.severity;
  return {
    interval: `${step}m`,
    input_series: input,
    alert_rule_test: [
      {
        eval_time: `${minutes}m`,
        alertname: SLO_ALERTS[severity],
        exp_alerts: c.fires
          ? [
              {
                exp_labels: {
                  ...sloLabels(slo.service, objective),
                  severity: SLO_SEVERITY[severity],
                  slo_severity: severity,
                },
                exp_annotations: annotationsOf(
                  slo,
                  objective,
                  c,
                  left,
                  options,
                ),
              },
            ]
          : [],
      },
    ],
  };
}

function annotationsOf(
  slo: ResolvedSloOptions,
  objective: ResolvedSloObjective,
  c: Case,
  left: number,
  options: SloGeneratorOptions,
): Record<string, string> {
  const tiers = BURN_TIERS.filter((t) => t.severity === c.tier.severity);
  return {
    summary: `SLO ${objective.name} of ${slo.service} burns its error budget too fast (${c.tier.severity})`,
    description:
      `Objective: ${describeObjective(objective)}. Errors exceed ` +
      tiers
        .map(
          (t) =>
            `${t.burnRate}x the budget rate over ${formatDuration(t.longSeconds)} and ${formatDuration(t.shortSeconds)}`,
        )
        .join(', or ') +
      `. Error budget left over ${formatDuration(objective.windowSeconds)}: ${goPercent(left)}.`,
    dashboard: sloDashboardUrl(slo.service, objective, options),
  };
}

/** Cumulative counters for one instance: requests (or fast requests) and errors. */
function seriesOf(
  slo: ResolvedSloOptions,
  objective: ResolvedSloObjective,
  instance: string,
  errors: number[],
  perStep: number,
  segments: Segment[],
  step: number,
): { series: string; values: string }[] {
  const route = objective.route ?? { method: 'GET', endpoint: '/api/items' };
  const base = `job="${slo.service}",instance="${instance}:8000",method="${route.method}",endpoint="${route.endpoint}"`;
  const steps = (per: (i: number) => number) =>
    counter(segments.map((s, i) => ({ steps: s.minutes / step, inc: per(i) })));
  if (objective.kind === 'latency') {
    const le = String(objective.threshold);
    return [
      {
        series: `prs_http_request_duration_seconds_count{${base}}`,
        values: steps(() => perStep),
      },
      {
        series: `prs_http_request_duration_seconds_bucket{${base},le="${le}"}`,
        values: steps((i) => perStep - (errors[i] ?? 0)),
      },
    ];
  }
  const bad = errorStatusOf(objective);
  return [
    {
      series: `prs_http_requests_total{${base},status_code="200"}`,
      values: steps((i) => perStep - (errors[i] ?? 0)),
    },
    {
      series: `prs_http_requests_total{${base},status_code="${bad}"}`,
      values: steps((i) => errors[i] ?? 0),
    },
  ];
}

/** A status code the objective counts as an error (`5xx` → 500). */
function errorStatusOf(objective: ResolvedSloObjective): string {
  const first = statusRegex(objective.errorStatuses).split('|')[0] ?? '5..';
  return first.replace(/\.\./, '00');
}

/** promtool's expanding notation for a counter that starts at 0 and grows by `inc` a step. */
function counter(segments: { steps: number; inc: number }[]): string {
  let value = 0;
  const parts = ['0'];
  for (const { steps, inc } of segments) {
    parts.push(`${value + inc}+${inc}x${steps - 1}`);
    value += inc * steps;
  }
  return parts.join(' ');
}

/** Go's `%.4g%%` of `ratio * 100`, as Prometheus' humanizePercentage renders it. */
export function goPercent(ratio: number): string {
  const v = ratio * 100;
  if (v === 0) return '0%';
  const [mantissa = '', exponent = '0'] = v.toExponential(3).split('e');
  const exp = Number(exponent);
  if (exp < -4 || exp >= 4) {
    const m = mantissa.replace(/\.?0+$/, '');
    const digits = String(Math.abs(exp)).padStart(2, '0');
    return `${m}e${exp < 0 ? '-' : '+'}${digits}%`;
  }
  const fixed = v.toFixed(Math.max(0, 3 - exp));
  return `${fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed}%`;
}
