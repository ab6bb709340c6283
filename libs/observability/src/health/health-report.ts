import type { CheckOutcome } from './check-outcome';

/** One check as the body shows it. */
export type CheckEntry = { healthy: boolean } & Record<string, unknown>;

/** External services grouped as the guide reports them. */
export interface ExternalOutcomes {
  email?: CheckOutcome;
  s3?: CheckOutcome;
}

/** A check's entry: `{ healthy }` alone, or with its masked details. */
export function checkEntry(
  outcome: CheckOutcome,
  detailed: boolean,
): CheckEntry {
  const slow = outcome.slow ? { slow: true } : {};
  return detailed
    ? { healthy: outcome.healthy, ...slow, ...outcome.data }
    : { healthy: outcome.healthy, ...slow };
}

/**
 * `external_services`: healthy when every configured service is; `services` maps each
 * to its flag (the guide's shape), and detailed views add `errors` for the failed ones.
 */
export function externalEntry(
  outcomes: ExternalOutcomes,
  detailed: boolean,
): CheckEntry {
  const services: Record<string, boolean> = {};
  const errors: Record<string, unknown> = {};
  for (const [name, outcome] of Object.entries(outcomes) as [
    string,
    CheckOutcome | undefined,
  ][]) {
    if (outcome === undefined) continue;
    services[name] = outcome.healthy;
    if (!outcome.healthy)
      errors[name] = outcome.data.error ?? outcome.data.details;
  }
  const healthy = Object.values(services).every(Boolean);
  if (!detailed) return { healthy, services };
  const count = Object.keys(services).length;
  return {
    healthy,
    services,
    ...(healthy ? {} : { errors }),
    details: `Checked ${count} external ${count === 1 ? 'service' : 'services'}`,
  };
}

/**
 * A readiness entry: ready when the dependency answered, even past a latency threshold
 * (`slow: true` says so); down only when the check failed or timed out.
 */
export function readinessEntry(
  outcome: CheckOutcome,
  detailed: boolean,
): CheckEntry {
  const entry = checkEntry(outcome, detailed);
  return outcome.slow ? { ...entry, healthy: true, slow: true } : entry;
}

/** Whether every entry is healthy. */
export function allHealthy(checks: Record<string, CheckEntry>): boolean {
  return Object.values(checks).every((c) => c.healthy);
}

/**
 * The readiness 503's `error`: which checks failed (`"unavailable: database, cache"`),
 * never why. Reasons can name hosts, so they appear only in detailed, masked entries.
 */
export function notReadyError(checks: Record<string, CheckEntry>): string {
  const failed = Object.entries(checks)
    .filter(([, entry]) => !entry.healthy)
    .map(([name]) => name);
  return `unavailable: ${failed.join(', ')}`;
}
