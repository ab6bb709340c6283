import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import {
  ADAPTERS,
  runFixtureToExit,
  startFixture,
} from './support/fixture-process';

const CANARY = 'canary-token-7f3a';
const MALFORMED =
  'must be key=value pairs separated by commas, with a header name as key and a non-empty, percent-encoded value (values are not shown)';

/** Each invalid variable, and the problem line the startup error must list for it. */
const INVALID: [string, string, string][] = [
  [
    'OTEL_EXPORTER_OTLP_TIMEOUT',
    '10s',
    'OTEL_EXPORTER_OTLP_TIMEOUT: must be a whole number from 1 to 600000 (got "10s")',
  ],
  [
    'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT',
    '0',
    'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: must be a whole number from 1 to 600000 (got "0")',
  ],
  [
    'OTEL_EXPORTER_OTLP_METRICS_TIMEOUT',
    '-1',
    'OTEL_EXPORTER_OTLP_METRICS_TIMEOUT: must be a whole number from 1 to 600000 (got "-1")',
  ],
  [
    'OTEL_BSP_SCHEDULE_DELAY',
    'soon',
    'OTEL_BSP_SCHEDULE_DELAY: must be a whole number from 0 to 600000 (got "soon")',
  ],
  [
    'OTEL_BSP_EXPORT_TIMEOUT',
    '1.5',
    'OTEL_BSP_EXPORT_TIMEOUT: must be a whole number from 1 to 600000 (got "1.5")',
  ],
  [
    'OTEL_BSP_MAX_QUEUE_SIZE',
    'lots',
    'OTEL_BSP_MAX_QUEUE_SIZE: must be a whole number from 1 to 1000000 (got "lots")',
  ],
  [
    'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
    '4096',
    'OTEL_BSP_MAX_EXPORT_BATCH_SIZE: must not exceed the queue size (OTEL_BSP_MAX_QUEUE_SIZE, 2048; got 4096)',
  ],
  [
    'OTEL_EXPORTER_OTLP_HEADERS',
    `authorization=Bearer ${CANARY},${CANARY}`,
    `OTEL_EXPORTER_OTLP_HEADERS: entry 2 malformed: ${MALFORMED}`,
  ],
  [
    'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
    `x-api-key=%ZZ${CANARY}`,
    `OTEL_EXPORTER_OTLP_TRACES_HEADERS: entry 1 malformed: ${MALFORMED}`,
  ],
  [
    'OTEL_EXPORTER_OTLP_METRICS_HEADERS',
    `=${CANARY}`,
    `OTEL_EXPORTER_OTLP_METRICS_HEADERS: entry 1 malformed: ${MALFORMED}`,
  ],
];

describe('OTEL_* exporter variables are validated at startup', () => {
  it(`rejects all ${INVALID.length} invalid variables at once: exit code 1, one ObservabilityConfigError listing ${INVALID.length} problems, no header value echoed`, async () => {
    const { code, output } = await runFixtureToExit({
      env: Object.fromEntries(INVALID.map(([name, value]) => [name, value])),
    });
    expect(code).toBe(1);
    const problems = INVALID.map(([, , line]) => line);
    expect(output).toContain(
      `Observability SDK validation error (${INVALID.length} problems):\n`,
    );
    for (const line of problems) expect(output).toContain(`  - ${line}\n`);
    expect(output.match(/validation error/g)).toHaveLength(1);
    expect(output).not.toContain(CANARY);
    expect(output).not.toContain('FIXTURE_LISTENING');
  });

  it.each(INVALID)(
    'rejects %s=%j alone with exit code 1 and that one problem',
    async (name, value, line) => {
      const { code, output } = await runFixtureToExit({
        env: { [name]: value },
      });
      expect(code).toBe(1);
      expect(output).toContain(
        `Observability SDK validation error (1 problem):\n  - ${line}`,
      );
      expect(output).not.toContain(CANARY);
    },
  );
});

/** A collector that records request headers and never answers (so each export times out). */
async function startHangingCollector(): Promise<{
  url: string;
  headers: IncomingHttpHeaders[];
  close: () => Promise<void>;
}> {
  const headers: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req) => {
    headers.push(req.headers);
    req.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    headers,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe.each(ADAPTERS)('valid OTEL_* exporter variables on %s', (adapter) => {
  it('are honoured: percent-decoded OTEL_EXPORTER_OTLP_HEADERS reach the collector, OTEL_EXPORTER_OTLP_TRACES_TIMEOUT=300 ends an export in under 5 s (10 s was hard-coded)', async () => {
    const collector = await startHangingCollector();
    const app = await startFixture({
      adapter,
      env: {
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: collector.url,
        OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer%20${CANARY},x-tenant=a`,
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-tenant=b%2Cc',
        OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '300',
        OTEL_BSP_SCHEDULE_DELAY: '50',
      },
    });
    try {
      const sent = Date.now();
      expect((await fetch(app.url('/api/items/1'))).status).toBe(200);
      let warning = -1;
      while (Date.now() - sent < 15_000) {
        warning = app.output().indexOf('failed (timeout)');
        if (warning >= 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const elapsed = Date.now() - sent;
      expect(warning).toBeGreaterThanOrEqual(0);
      expect(elapsed).toBeLessThan(5_000);
      expect(collector.headers[0]).toMatchObject({
        authorization: `Bearer ${CANARY}`,
        'x-tenant': 'b,c',
      });
      // The token travels to the collector only, never into a log line.
      expect(app.output()).not.toContain(CANARY);
    } finally {
      await app.stop();
      await collector.close();
    }
  });
});
