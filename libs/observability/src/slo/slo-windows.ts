/**
 * The multi-window, multi-burn-rate alerting of the Google SRE workbook (chapter 5,
 * "Alerting on SLOs"): each tier fires when the budget burns faster than `burnRate`
 * over both its long and its short window. Windows are in seconds.
 */
export interface BurnTier {
  severity: 'page' | 'ticket';
  burnRate: number;
  longSeconds: number;
  shortSeconds: number;
}

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Page: 2 % of a 30-day budget in 1 h, or 5 % in 6 h; ticket: 10 % in 1 d, or 10 % in 3 d. */
export const BURN_TIERS: readonly BurnTier[] = [
  {
    severity: 'page',
    burnRate: 14.4,
    longSeconds: HOUR,
    shortSeconds: 5 * MINUTE,
  },
  {
    severity: 'page',
    burnRate: 6,
    longSeconds: 6 * HOUR,
    shortSeconds: 30 * MINUTE,
  },
  { severity: 'ticket', burnRate: 3, longSeconds: DAY, shortSeconds: 2 * HOUR },
  {
    severity: 'ticket',
    burnRate: 1,
    longSeconds: 3 * DAY,
    shortSeconds: 6 * HOUR,
  },
];

/** Every window a tier needs, shortest first (5m, 30m, 1h, 2h, 6h, 1d, 3d). */
export const ERROR_RATIO_WINDOWS: readonly number[] = [
  ...new Set(BURN_TIERS.flatMap((t) => [t.longSeconds, t.shortSeconds])),
].sort((a, b) => a - b);

const UNITS: readonly [string, number][] = [
  ['w', 7 * DAY],
  ['d', DAY],
  ['h', HOUR],
  ['m', MINUTE],
  ['s', 1],
];

/** Parses `30d`, `4w`, `12h`, `90m` into seconds; `undefined` when malformed. */
export function parseWindow(text: string): number | undefined {
  const match = /^(\d+)([wdhms])$/.exec(text);
  if (!match) return undefined;
  const unit = UNITS.find(([u]) => u === match[2]);
  const value = Number(match[1]) * (unit?.[1] ?? 0);
  return value > 0 ? value : undefined;
}

/**
 * A Prometheus duration for `seconds` (whole milliseconds): the largest unit that
 * divides it (`3d`, `90m`, `5s`, `500ms`).
 */
export function formatDuration(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  for (const [unit, size] of UNITS) {
    if (ms % (size * 1000) === 0) return `${ms / (size * 1000)}${unit}`;
  }
  return `${ms}ms`;
}

/** The suffix of a recording rule name for an unscaled window: `5m`, `1h`, `3d`, `30d`. */
export function windowSuffix(seconds: number): string {
  for (const [unit, size] of UNITS) {
    if (unit !== 'w' && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}
