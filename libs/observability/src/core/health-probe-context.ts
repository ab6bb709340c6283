import { type Context, context, createContextKey } from '@opentelemetry/api';

// `Symbol.for` underneath: the preload's copy of the package (which patches pg and
// ioredis) and the app's copy (which runs the checks) share the key.
const HEALTH_PROBE = createContextKey('@prs/nestjs-observability:health-probe');

/** `ctx` marked as a health check's own work. */
export function markHealthProbe(ctx: Context): Context {
  return ctx.setValue(HEALTH_PROBE, true);
}

/**
 * Whether the active context is a health check's: its queries and cache commands are
 * not the app's traffic, so the dependency metrics leave them out (the check has its
 * own `prs_health_check_duration_seconds`), as the HTTP metrics leave out the probes.
 */
export function isHealthProbe(): boolean {
  return context.active().getValue(HEALTH_PROBE) === true;
}
