import { README_URL } from '../core/package-info';

/** A finding and its fix, as README "When nothing shows up" documents them. */
export interface Finding {
  message: string;
  fix: string;
}

const SEE = `${README_URL}#when-nothing-shows-up`;
const PRELOAD = 'node --import @prs/nestjs-observability/register dist/main.js';

/**
 * Every message the doctor prints for a failing or warning check. The README's
 * "When nothing shows up" section lists them; the tests assert them.
 */
export const doctorMessages = {
  unsupportedNode: (found: string, min: string): Finding => ({
    message: `Node.js ${found} is not supported: the SDK needs Node.js >= ${min} (22, 24 or 26).`,
    fix: `Run the app on Node.js 22 (>= ${min}), 24 or 26. See ${SEE}`,
  }),
  nestMissing: (): Finding => ({
    message: '@nestjs/core is not installed in this project.',
    fix: `Run the doctor in the app's directory (--dir), after npm install. See ${SEE}`,
  }),
  unsupportedNest: (found: string, range: string): Finding => ({
    message: `@nestjs/core ${found} is not supported: the SDK supports ${range}.`,
    fix: `Upgrade to Nest 11 (CommonJS) or Nest 12 (ESM). See ${SEE}`,
  }),
  apiMissing: (): Finding => ({
    message:
      '@opentelemetry/api is not installed: it is a peer dependency of the SDK.',
    fix: `npm install @opentelemetry/api@1.10 in the app. See ${SEE}`,
  }),
  unsupportedApi: (found: string, range: string): Finding => ({
    message: `@opentelemetry/api ${found} is not supported: the SDK needs ${range}.`,
    fix: `npm install @opentelemetry/api@1.10 (and an npm "overrides" entry if a dependency pins another). See ${SEE}`,
  }),
  duplicateSingleton: (name: string, copies: string[]): Finding => ({
    message: `${copies.length} copies of ${name} are installed (${copies.join(', ')}): each copy keeps its own globals and patches, so telemetry recorded through one is invisible to the other.`,
    fix: `Keep one version: add an npm "overrides" entry for ${name} (the version @prs/nestjs-observability uses) to package.json and run npm install; \`npm ls ${name}\` shows who pulls the other. See ${SEE}`,
  }),
  esmWithRequire: (where: string): Finding => ({
    message: `This app is ESM (Nest 12 or "type": "module") but ${where} preloads the SDK with --require: ESM imports bypass it, so ioredis and express are not instrumented.`,
    fix: `Start with \`${PRELOAD}\` (or NODE_OPTIONS="--import @prs/nestjs-observability/register"). See ${SEE}`,
  }),
  noPreload: (where: string): Finding => ({
    message: `${where} does not preload the SDK: unless main.ts calls startObservability() before importing the app, pg, ioredis and express load unpatched.`,
    fix: `Start with \`${PRELOAD}\`, or use the no-flag main of README#bootstrap. See ${SEE}`,
  }),
  statusUnavailable: (url: string, why: string): Finding => ({
    message: `The app's observability status at ${url} is not available (${why}): the running app's instrumentation cannot be checked.`,
    fix: `Turn it on with ObservabilityModule.forRoot({ metrics: { status: true } }) or PRS_OBSERVABILITY_STATUS=true, and pass the app's URL (or --metrics-url). See ${SEE}`,
  }),
  sdkNotStarted: (): Finding => ({
    message:
      'The running app has no started OpenTelemetry SDK (it is disabled): nothing is recorded.',
    fix: `Unset OTEL_SDK_DISABLED, and start with \`${PRELOAD}\`. See ${SEE}`,
  }),
  loadedBeforeSdk: (module: string): Finding => ({
    message: `${module} was loaded before the SDK started, so it is not instrumented: no spans and no metrics for it.`,
    fix: `Start with \`${PRELOAD}\`, or call startObservability() before anything imports ${module}. See ${SEE}`,
  }),
  otlpUnreachable: (url: string, why: string): Finding => ({
    message: `The OTLP endpoint ${url} is unreachable (${why}): traces are dropped.`,
    fix: `Start the collector or Jaeger (OTLP/HTTP on port 4318), or point OTEL_EXPORTER_OTLP_ENDPOINT at it. See ${SEE}`,
  }),
  otlpRejected: (url: string, status: number): Finding => ({
    message: `The OTLP endpoint ${url} answered HTTP ${status} to an empty trace export: it does not accept OTLP/HTTP traces there.`,
    fix: `Point OTEL_EXPORTER_OTLP_ENDPOINT at the collector's OTLP/HTTP base URL (e.g. http://collector:4318; the SDK appends /v1/traces). See ${SEE}`,
  }),
  metricsUnreachable: (url: string, why: string): Finding => ({
    message: `${url} is unreachable (${why}): Prometheus cannot scrape the app.`,
    fix: `Check the app's URL, metrics.path and metrics.port, and that metrics are enabled. See ${SEE}`,
  }),
  metricsInvalid: (url: string, problem: string): Finding => ({
    message: `${url} is not valid Prometheus exposition: ${problem}.`,
    fix: `Make sure the path is served by the SDK (not by a controller or a proxy's error page). See ${SEE}`,
  }),
  metricsEmpty: (url: string, prefix: string): Finding => ({
    message: `${url} serves none of the SDK's metrics (no name starts with "${prefix}_"): the module is not attached, or metrics.prefix differs (--prefix).`,
    fix: `Import ObservabilityModule.forRoot() in the app's root module. See ${SEE}`,
  }),
} as const;
