import type { ConfigProblem } from '../core/observability-config.error';
import { type Env, nonEmpty } from './env';

/**
 * A propagator `OTEL_PROPAGATORS` may name: W3C `tracecontext` and `baggage` (in and
 * out), `jaeger` (`uber-trace-id` and `uberctx-*`, read on the way in, never sent).
 */
export type PropagatorName = 'tracecontext' | 'baggage' | 'jaeger';

/** Without `OTEL_PROPAGATORS`: all three, W3C winning when both trace headers arrive. */
export const DEFAULT_PROPAGATORS: readonly PropagatorName[] = [
  'jaeger',
  'tracecontext',
  'baggage',
];

const KNOWN: readonly string[] = ['tracecontext', 'baggage', 'jaeger', 'none'];

/**
 * The propagators `OTEL_PROPAGATORS` asks for (comma-separated, as in the OpenTelemetry
 * specification; `none` for no propagation), in the order extraction runs them: `jaeger`
 * first, so a W3C `traceparent` wins when both arrive. Names the SDK does not ship
 * (`b3`, `b3multi`, `xray`, `ottrace`) are a configuration problem, not silently ignored.
 */
export function resolvePropagators(
  env: Env,
  problems: ConfigProblem[],
): readonly PropagatorName[] {
  const raw = nonEmpty(env.OTEL_PROPAGATORS);
  if (raw === undefined) return DEFAULT_PROPAGATORS;
  const names = raw
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  const unknown = names.filter((name) => !KNOWN.includes(name));
  if (unknown.length > 0) {
    problems.push({
      path: 'OTEL_PROPAGATORS',
      message: `must list tracecontext, baggage, jaeger or none (got ${JSON.stringify(raw)}; not supported: ${unknown.join(', ')})`,
    });
    return DEFAULT_PROPAGATORS;
  }
  if (names.includes('none')) return [];
  return DEFAULT_PROPAGATORS.filter((name) => names.includes(name));
}
