import { README_URL } from '../package-info';

/** Every user-facing error text lives here so wording stays consistent and tested. */
export const messages = {
  sdkNotStarted: (): string =>
    'ObservabilityModule could not find a running observability SDK. ' +
    'The SDK must start before Nest, pg, ioredis and express/fastify are loaded, or their instrumentation is silently lost. ' +
    'Start the app with `node --import @prs/nestjs-observability/register dist/main.js` ' +
    '(or NODE_OPTIONS="--import @prs/nestjs-observability/register"), ' +
    'or call startObservability() from @prs/nestjs-observability/sdk in your entry file before importing the app. ' +
    `See ${README_URL}#bootstrap`,
  metricsPortInUse: (host: string, port: number, reason: string): string =>
    `ObservabilityModule could not listen for /metrics on ${host}:${port} (${reason}). ` +
    'Choose a free port in metrics.port, or remove it to serve /metrics on the application port.',
  collectFailed: (): string =>
    'Collecting metrics for /metrics failed; the scrape was answered with 500',
  sdkDisabled: (): string =>
    'OpenTelemetry SDK is disabled (OTEL_SDK_DISABLED=true or startObservability({ disabled: true })): ' +
    'ObservabilityModule installs no metrics endpoint and records nothing',
} as const;
