import { createServer, type Server } from 'node:http';
import { Logger } from '@nestjs/common';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { RateLimitedLogger } from '../core/rate-limited-logger';
import { MetricsEndpoint } from './metrics-endpoint';

describe('MetricsEndpoint', () => {
  let server: Server;
  let reader: PrometheusExporter;
  const warnings: string[] = [];

  beforeEach(async () => {
    warnings.length = 0;
    reader = new PrometheusExporter({
      preventServerStart: true,
      withoutScopeInfo: true,
      withoutTargetInfo: true,
    });
    const provider = new MeterProvider({ readers: [reader] });
    provider
      .getMeter('t')
      .createCounter('prs_things_total')
      .add(2, { kind: 'a' });
    const logger = new Logger('test');
    jest
      .spyOn(logger, 'warn')
      .mockImplementation(
        (message: unknown) => void warnings.push(String(message)),
      );
    const endpoint = new MetricsEndpoint(
      reader,
      undefined,
      new RateLimitedLogger(logger),
    );
    server = createServer((req, res) => endpoint.handle(req, res));
    await new Promise<void>((resolve) =>
      server.listen(0, '127.0.0.1', resolve),
    );
  });
  afterEach(
    () => new Promise<void>((resolve) => server.close(() => resolve())),
  );

  const url = () =>
    `http://127.0.0.1:${(server.address() as { port: number }).port}/metrics`;

  it('serves the collected metrics', async () => {
    const res = await fetch(url());
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('prs_things_total{kind="a"} 2');
  });

  it('answers a failed collection with a generic 500, not a 200 carrying the error', async () => {
    await reader.shutdown();
    const res = await fetch(url());
    expect(res.status).toBe(500);
    expect(await res.text()).toBe('Internal Server Error\n');
    // Reported once per minute however many scrapes fail.
    await fetch(url());
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^Collecting metrics for \/metrics failed; the scrape was answered with 500: Error: /,
    );
  });
});
