import { execFile } from 'node:child_process';
import { join } from 'node:path';
import {
  ADAPTERS,
  REPO_ROOT,
  baseFixtureEnv,
  runFixtureToExit,
  startFixture,
  type RunningFixture,
} from './support/fixture-process';

// The read-only status `prs-observability doctor --url` reads: off by default, where
// /metrics is served, behind the same auth, and free of option and environment values.
const CLI = join(REPO_ROOT, 'libs', 'observability', 'dist', 'cli', 'main.js');

describe.each(ADAPTERS)('the doctor status on %s', (adapter) => {
  describe('by default', () => {
    let app: RunningFixture;
    beforeAll(async () => {
      app = await startFixture({ adapter });
    });
    afterAll(() => app.stop());

    it('is not served', async () => {
      expect((await fetch(app.url('/metrics'))).status).toBe(200);
      expect((await fetch(app.url('/metrics/status'))).status).toBe(404);
    });
  });

  describe('turned on, with secrets in the environment', () => {
    let app: RunningFixture;
    beforeAll(async () => {
      app = await startFixture({
        adapter,
        options: { metrics: { status: true } },
        env: {
          FIXTURE_STORE: '1',
          OTEL_TRACES_EXPORTER: 'otlp',
          OTEL_EXPORTER_OTLP_ENDPOINT:
            'http://collector-user:otlp-s3cret@127.0.0.1:9/otel',
          DATABASE_URL: 'postgres://postgres:db-s3cret@127.0.0.1:5432/test',
        },
      });
    });
    afterAll(() => app.stop());

    it('answers the documented JSON and nothing of the environment', async () => {
      const res = await fetch(app.url('/metrics/status'));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(
        'application/json; charset=utf-8',
      );
      const body = await res.text();
      for (const secret of ['s3cret', 'collector-user', '127.0.0.1', '/otel'])
        expect(body).not.toContain(secret);
      const status = JSON.parse(body) as Record<string, unknown>;
      expect(Object.keys(status).sort()).toEqual(
        [
          'entry',
          'exports',
          'instrumentation',
          'node',
          'package',
          'preload',
          'schema',
          'sdk',
          'versions',
        ].sort(),
      );
      expect(status).toMatchObject({
        schema: 1,
        node: process.versions.node,
        entry: 'commonjs',
        preload: { import: true, require: false },
        sdk: { disabled: false, tracesExporter: 'otlp' },
        // express is instrumented only when enabled (off by default) and spans are exported.
        instrumentation: {
          pg: 'instrumented',
          ioredis: 'instrumented',
          express: 'disabled',
        },
      });
      expect(
        (await fetch(app.url('/metrics/status'), { method: 'POST' })).status,
      ).toBe(405);
    });
  });

  describe('on a dedicated port with auth', () => {
    let app: RunningFixture;
    let metricsUrl: string;
    beforeAll(async () => {
      app = await startFixture({
        adapter,
        options: {
          metrics: {
            status: true,
            port: 0,
            auth: { bearerToken: 'scrape-token' },
          },
        },
      });
      const port =
        /Prometheus metrics at http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(
          app.output(),
        )?.[1];
      metricsUrl = `http://127.0.0.1:${port}/metrics`;
    });
    afterAll(() => app.stop());

    it('is served there, as protected as /metrics', async () => {
      expect((await fetch(app.url('/metrics/status'))).status).toBe(404);
      const anonymous = await fetch(`${metricsUrl}/status`);
      expect(anonymous.status).toBe(401);
      expect(await anonymous.text()).toBe('');
      const authorized = await fetch(`${metricsUrl}/status`, {
        headers: { authorization: 'Bearer scrape-token' },
      });
      expect(authorized.status).toBe(200);
    });

    it('is read by the doctor with PRS_DOCTOR_AUTHORIZATION', async () => {
      const run = (env: NodeJS.ProcessEnv) =>
        new Promise<{
          code: number;
          checks: { id: string; verdict: string }[];
        }>((resolve) =>
          execFile(
            process.execPath,
            [
              CLI,
              'doctor',
              '--dir',
              join(REPO_ROOT, 'dist'),
              '--metrics-url',
              metricsUrl,
              '--json',
            ],
            { env: { ...baseFixtureEnv(), ...env }, timeout: 60_000 },
            (error, stdout) =>
              resolve({
                code: error ? Number(error.code) : 0,
                checks: (
                  JSON.parse(stdout) as {
                    checks: { id: string; verdict: string }[];
                  }
                ).checks,
              }),
          ),
        );
      const verdicts = (checks: { id: string; verdict: string }[]) =>
        Object.fromEntries(checks.map((c) => [c.id, c.verdict]));

      const authorized = await run({
        PRS_DOCTOR_AUTHORIZATION: 'Bearer scrape-token',
      });
      expect(verdicts(authorized.checks)).toMatchObject({
        'app-status': 'pass',
        'sdk-started': 'pass',
        metrics: 'pass',
        'otlp-endpoint': 'skip',
      });
      expect(authorized.code).toBe(0);

      const anonymous = await run({});
      expect(verdicts(anonymous.checks)).toMatchObject({
        'app-status': 'warn',
        metrics: 'fail',
      });
      expect(anonymous.code).toBe(1);
    });
  });
});

describe('PRS_OBSERVABILITY_STATUS', () => {
  it('fails at startup unless it is true or false', async () => {
    const { code, output } = await runFixtureToExit({
      env: { PRS_OBSERVABILITY_STATUS: 'yes' },
    });
    expect(code).not.toBe(0);
    expect(output).toContain(
      'PRS_OBSERVABILITY_STATUS: must be true or false (got "yes")',
    );
  });
});
