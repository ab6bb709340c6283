import { createServer, type Server } from 'node:http';
import { Logger } from '@nestjs/common';
import { TraceFlags } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { MetricTallies } from '../core/metric-tallies';
import { RateLimitedLogger } from '../core/rate-limited-logger';
import * as exposition from './exposition';
import { MetricsEndpoint } from './metrics-endpoint';

const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
const TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
const OPENMETRICS_CONTENT_TYPE =
  'application/openmetrics-text; version=1.0.0; charset=utf-8';
const KB = 1024;
/** Above Node's default 16 KB, so an oversized Accept header reaches the endpoint. */
const MAX_HEADER_SIZE = 128 * KB;

describe('MetricsEndpoint', () => {
  let server: Server;
  let reader: PrometheusExporter;
  let endpoint: MetricsEndpoint;
  let provider: MeterProvider;
  const warnings: string[] = [];

  beforeEach(async () => {
    warnings.length = 0;
    const tallies = new MetricTallies({ exemplars: true });
    reader = new PrometheusExporter({
      preventServerStart: true,
      withoutScopeInfo: true,
      withoutTargetInfo: true,
      metricProducers: [tallies],
    });
    provider = new MeterProvider({ readers: [reader] });
    provider
      .getMeter('t')
      .createCounter('prs_things_total')
      .add(2, { kind: 'a' });
    tallies
      .histogram(
        {
          name: 'prs_thing_duration_seconds',
          description: 'Thing duration in seconds',
          unit: 's',
        },
        [0.1, 1],
      )
      .record(0.25, Object.freeze({ kind: 'a' }), {
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        spanId: '00f067aa0ba902b7',
        traceFlags: TraceFlags.SAMPLED,
      });
    const logger = new Logger('test');
    jest
      .spyOn(logger, 'warn')
      .mockImplementation(
        (message: unknown) => void warnings.push(String(message)),
      );
    endpoint = new MetricsEndpoint(
      reader,
      undefined,
      new RateLimitedLogger(logger),
    );
    server = createServer({ maxHeaderSize: MAX_HEADER_SIZE }, (req, res) =>
      endpoint.handle(req, res),
    );
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

  it('serves text 0.0.4 without exemplars when no Accept header asks for OpenMetrics', async () => {
    const res = await fetch(url());
    expect(res.headers.get('content-type')).toBe(TEXT_CONTENT_TYPE);
    expect(res.headers.get('vary')).toBe('Accept');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.text();
    expect(body).toContain(
      'prs_thing_duration_seconds_bucket{kind="a",le="1"} 1\n',
    );
    expect(body).not.toContain('trace_id');
    expect(body).not.toContain('# EOF');
    expect(body).not.toContain('# UNIT');
  });

  it("serves OpenMetrics with exemplars to Prometheus' Accept header", async () => {
    const res = await fetch(url(), { headers: { accept: PROMETHEUS_ACCEPT } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(OPENMETRICS_CONTENT_TYPE);
    expect(res.headers.get('vary')).toBe('Accept');
    const body = await res.text();
    expect(body).toContain(
      '# TYPE prs_things counter\n# HELP prs_things description missing\nprs_things_total{kind="a"} 2\n',
    );
    expect(body).toContain('# UNIT prs_thing_duration_seconds seconds\n');
    expect(body).toMatch(
      /^prs_thing_duration_seconds_bucket\{kind="a",le="1"\} 1 # \{trace_id="4bf92f3577b34da6a3ce929d0e0e4736",span_id="00f067aa0ba902b7"\} 0\.25 \d+\.\d{3}$/m,
    );
    expect(body.endsWith('\n# EOF\n')).toBe(true);
  });

  it.each([
    ['OpenMetrics refused with q=0', 'application/openmetrics-text;q=0'],
    [
      'text/plain preferred',
      'application/openmetrics-text;q=0.2,text/plain;q=0.9',
    ],
    ['*/*', '*/*'],
    ['garbage', 'q=;;,=,application/openmetrics-text;q=x'],
    ['a 64 KB header', `${'a;'.repeat(32 * KB)}`],
  ])('serves text 0.0.4 for %s', async (_, accept) => {
    const res = await fetch(url(), { headers: { accept } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(TEXT_CONTENT_TYPE);
    expect(await res.text()).toContain('prs_things_total{kind="a"} 2\n');
  });

  it('answers HEAD with the headers and length of the negotiated body', async () => {
    const get = await fetch(url(), { headers: { accept: PROMETHEUS_ACCEPT } });
    const length = Buffer.byteLength(await get.text());
    const head = await fetch(url(), {
      method: 'HEAD',
      headers: { accept: PROMETHEUS_ACCEPT },
    });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe(OPENMETRICS_CONTENT_TYPE);
    expect(head.headers.get('content-length')).toBe(String(length));
    expect(await head.text()).toBe('');
  });

  it('render() writes text 0.0.4 unless asked for OpenMetrics', async () => {
    expect(await endpoint.render()).toContain('prs_things_total{kind="a"} 2\n');
    expect(await endpoint.render('openmetrics')).toMatch(/# EOF\n$/);
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

  describe('concurrent scrapes', () => {
    it('20 concurrent renders in two formats share 1 collection, each format serialized once', async () => {
      const collect = jest.spyOn(reader, 'collect');
      const serialize = jest.spyOn(exposition, 'writeExposition');
      const bodies = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          endpoint.render(i % 2 === 0 ? 'text' : 'openmetrics'),
        ),
      );
      expect(collect).toHaveBeenCalledTimes(1);
      expect(endpoint.collections).toBe(1);
      expect(serialize.mock.calls.map(([, format]) => format).sort()).toEqual([
        'openmetrics',
        'text',
      ]);
      expect(new Set(bodies).size).toBe(2);
      expect(bodies[0]).toContain('prs_things_total{kind="a"} 2\n');
      expect(bodies[1]).toMatch(/# EOF\n$/);
    });

    it('a scrape after the shared collection settled gets a new collection with new values', async () => {
      await Promise.all([endpoint.render(), endpoint.render()]);
      provider.getMeter('t').createCounter('prs_things_total').add(3, {
        kind: 'a',
      });
      expect(await endpoint.render()).toContain(
        'prs_things_total{kind="a"} 5\n',
      );
      expect(endpoint.collections).toBe(2);
    });

    it('past maxWaiting (2) waiting scrapes a scrape gets 503 with Retry-After, the waiting ones 200', async () => {
      endpoint = new MetricsEndpoint(
        reader,
        undefined,
        new RateLimitedLogger(new Logger('test')),
        { maxWaiting: 2 },
      );
      provider
        .getMeter('t')
        .createObservableGauge('prs_slow')
        .addCallback(async (result) => {
          await new Promise((resolve) => setTimeout(resolve, 300));
          result.observe(1);
        });
      const scrapes = [fetch(url()), fetch(url())];
      await new Promise((resolve) => setTimeout(resolve, 100));
      const third = await fetch(url());
      expect(third.status).toBe(503);
      expect(third.headers.get('retry-after')).toBe('1');
      const answered = await Promise.all(scrapes);
      expect(answered.map((res) => res.status)).toEqual([200, 200]);
      expect(endpoint.collections).toBe(1);
      expect((await fetch(url())).status).toBe(200);
    });

    it('waits a pause proportional to the previous collection before the next (capped at maxPauseMs 200)', async () => {
      endpoint = new MetricsEndpoint(
        reader,
        undefined,
        new RateLimitedLogger(new Logger('test')),
        { pauseFactor: 1e9, maxPauseMs: 200 },
      );
      await endpoint.render();
      const start = performance.now();
      await endpoint.render();
      const waited = performance.now() - start;
      expect(waited).toBeGreaterThanOrEqual(190);
      expect(waited).toBeLessThan(5_000);
    });

    it('after a collection shared by a crowd (4 scrapes) the next waits crowdGapMs (300); after a lone scrape it does not', async () => {
      endpoint = new MetricsEndpoint(
        reader,
        undefined,
        new RateLimitedLogger(new Logger('test')),
        { crowd: 4, crowdGapMs: 300, pauseFactor: 0 },
      );
      await endpoint.render();
      let start = performance.now();
      await endpoint.render();
      const afterLone = performance.now() - start;
      await Promise.all([1, 2, 3, 4].map(() => endpoint.render()));
      start = performance.now();
      await endpoint.render();
      const afterCrowd = performance.now() - start;
      expect(afterLone).toBeLessThan(250);
      expect(afterCrowd).toBeGreaterThanOrEqual(290);
    });
  });
});
