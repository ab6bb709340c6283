// The bench's variants: which app the fixture serves, what is preloaded, and the environment.
// `bare` never loads an observability module; every other row is read as a ratio to it.
import { join } from 'node:path';
import { ROOT } from './paths.mjs';

const OURS = ['--import', '@prs/nestjs-observability/register'];
const NODESDK = [
  '--require',
  join(ROOT, 'dist', 'test', 'fixtures', 'bench', 'nodesdk.js'),
];
const NO_TRACES = { OTEL_TRACES_EXPORTER: 'none' };
const OTLP = { OTEL_TRACES_EXPORTER: 'otlp' };

/**
 * `app` is the fixture's BENCH_VARIANT; `spans` is what one request should export
 * (10 % sampling: 0.2 on average, the load sends no traceparent so the root decides).
 */
export const VARIANTS = {
  bare: { app: 'bare', preload: [], env: NO_TRACES, spans: 0 },
  metrics: { app: 'metrics', preload: OURS, env: NO_TRACES, spans: 0 },
  traces: { app: 'traces', preload: OURS, env: OTLP, spans: 2 },
  full: { app: 'full', preload: OURS, env: OTLP, spans: 2 },
  'full-10': {
    app: 'full',
    preload: OURS,
    env: {
      ...OTLP,
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.1',
    },
    spans: 0.2,
  },
  // Calibration: the bare app plus a busy loop of N µs per request, no SDK at all.
  'burn-10': {
    app: 'bare',
    preload: [],
    env: { ...NO_TRACES, BENCH_BURN_US: '10' },
    spans: 0,
  },
  'burn-40': {
    app: 'bare',
    preload: [],
    env: { ...NO_TRACES, BENCH_BURN_US: '40' },
    spans: 0,
  },
  // OpenTelemetry's NodeSDK with the instrumentations a user would pick, the same two spans.
  // Its batch delay is set to this SDK's default (1 s, OpenTelemetry's is 5 s): full batches
  // leave at 512 spans either way, and the last partial one then arrives before it is counted.
  nodesdk: {
    app: 'bare',
    preload: NODESDK,
    env: {
      ...OTLP,
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
      OTEL_BSP_SCHEDULE_DELAY: '1000',
    },
    spans: 2,
  },
};

export const VARIANT_NAMES = Object.keys(VARIANTS).filter((v) => v !== 'bare');

/** What each variant is, for the results file. */
export const DESCRIPTIONS = {
  metrics: 'this SDK, metrics only',
  traces: 'this SDK, metrics + traces (100 % sampled)',
  full: 'this SDK, everything on: metrics, traces 100 %, JSON request line, business event',
  'full-10':
    'as full, ParentBased(TraceIdRatio 0.1); the request line still on every request',
  'burn-10':
    'calibration, no SDK: bare plus a 10 µs busy loop per request (what any 10 µs of work per request costs on this machine)',
  'burn-40': 'calibration, no SDK: bare plus a 40 µs busy loop per request',
  nodesdk:
    "OpenTelemetry's NodeSDK alone: http + express (request handler layers) or @fastify/otel, OTLP/protobuf",
};

export function variantOf(name) {
  const v = VARIANTS[name];
  if (v === undefined)
    throw new Error(
      `unknown variant '${name}' (one of: bare, ${VARIANT_NAMES.join(', ')})`,
    );
  return v;
}
