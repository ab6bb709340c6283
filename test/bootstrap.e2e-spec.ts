import {
  ADAPTERS,
  FIXTURE_ESM_MAIN,
  FIXTURE_NO_FLAG_MAIN,
  runFixtureToExit,
  startFixture,
} from './support/fixture-process';
import { scrape, valueOf } from './support/exposition';

const NOT_STARTED =
  'ObservabilityModule could not find a running observability SDK. ' +
  'The SDK must start before Nest, pg, ioredis and express/fastify are loaded, or their instrumentation is silently lost. ' +
  'Start the app with `node --import @prs/nestjs-observability/register dist/main.js` ' +
  '(or NODE_OPTIONS="--import @prs/nestjs-observability/register"), ' +
  'or call startObservability() from @prs/nestjs-observability/sdk in your entry file before importing the app. ' +
  'See https://github.com/prs/nestjs-observability/blob/main/README.md#bootstrap';

describe('bootstrap', () => {
  it('fails at startup with the documented message when the SDK was not preloaded', async () => {
    const { code, output } = await runFixtureToExit({ preload: false });
    expect(code).not.toBe(0);
    expect(output).toContain(`ObservabilityBootstrapError: ${NOT_STARTED}`);
    expect(output).not.toContain('FIXTURE_LISTENING');
  });

  it('fails at startup with one error listing every invalid option', async () => {
    const { code, output } = await runFixtureToExit({
      options: {
        metrics: { prefix: '9bad', port: 70000, seriesLimit: 0, colour: 'red' },
        http: { durationBuckets: [1, 0.5] },
      },
    });
    expect(code).not.toBe(0);
    expect(output).toContain(
      'ObservabilityConfigError: ObservabilityModule options validation error (5 problems):\n' +
        '  - metrics.colour: unknown option (known: enabled, prefix, path, port, host, auth, seriesLimit, status)\n' +
        '  - metrics.prefix: must match /^[a-zA-Z_][a-zA-Z0-9_]*$/ (got "9bad")\n' +
        '  - metrics.port: must be an integer from 0 to 65535 (got 70000)\n' +
        '  - metrics.seriesLimit: must be an integer from 1 to 1999 (got 0)\n' +
        '  - http.durationBuckets: must be a non-empty array of finite, positive, strictly increasing numbers of seconds (got [1,0.5])',
    );
  });

  it('fails in the preload, before the app loads, on invalid OTEL_* variables', async () => {
    const { code, output } = await runFixtureToExit({
      env: { OTEL_TRACES_EXPORTER: 'zipkin', OTEL_SDK_DISABLED: 'maybe' },
    });
    expect(code).not.toBe(0);
    expect(output).toContain(
      'Observability SDK validation error (2 problems):\n' +
        '  - OTEL_SDK_DISABLED: must be "true" or "false" (got "maybe")\n' +
        '  - OTEL_TRACES_EXPORTER: must be one of otlp, jaeger, console, none (got "zipkin")',
    );
    expect(output).not.toContain('Starting Nest application');
  });

  it('boots with OTEL_SDK_DISABLED=true, says so, and serves no /metrics', async () => {
    const app = await startFixture({ env: { OTEL_SDK_DISABLED: 'true' } });
    try {
      expect((await fetch(app.url('/api/items/1'))).status).toBe(200);
      expect((await fetch(app.url('/metrics'))).status).toBe(404);
      expect(app.output()).toContain('OpenTelemetry SDK is disabled');
    } finally {
      await app.stop();
    }
  });

  it('keeps /metrics outside global guards', async () => {
    const app = await startFixture({ env: { FIXTURE_GLOBAL_GUARD: 'deny' } });
    try {
      expect((await fetch(app.url('/api/items/1'))).status).toBe(403);
      const text = await scrape(app.url('/metrics'));
      expect(
        valueOf(text, 'prs_http_requests_total', {
          endpoint: '/api/items/:id',
          status_code: '403',
        }),
      ).toBe(1);
    } finally {
      await app.stop();
    }
  });

  it('works with the no-flag entry (startObservability, then import the app)', async () => {
    const app = await startFixture({
      preload: false,
      entry: FIXTURE_NO_FLAG_MAIN,
    });
    try {
      await fetch(app.url('/api/v1/deals/3'));
      const text = await scrape(app.url('/metrics'));
      expect(
        valueOf(text, 'prs_http_requests_total', {
          endpoint: '/api/v1/deals/:id',
        }),
      ).toBe(1);
    } finally {
      await app.stop();
    }
  });

  it.each(ADAPTERS)('works with an ESM entry on %s', async (adapter) => {
    const app = await startFixture({ adapter, entry: FIXTURE_ESM_MAIN });
    try {
      await fetch(app.url('/api/items/9'));
      const text = await scrape(app.url('/metrics'));
      expect(
        valueOf(text, 'prs_http_requests_total', {
          endpoint: '/api/items/:id',
          status_code: '200',
        }),
      ).toBe(1);
    } finally {
      await app.stop();
    }
  });
});
