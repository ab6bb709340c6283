import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
} from '@opentelemetry/api';
import {
  hrTimeToMilliseconds,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import {
  AlwaysOnSampler,
  InMemorySpanExporter,
  ParentBasedSampler,
  type ReadableSpan,
  type Sampler,
  SamplingDecision,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { pathOf } from '../core/path-of';
import { LeanSpan } from './lean-span';
import { ServerSpans } from './server-spans';

const ROUTES: Record<string, string> = { '/deals/7': '/deals/:id' };

// `lean`: the SDK's tracer, whose pipeline the spans use directly; `tracer`: a tracer of
// another shape (only the API), which starts the spans itself. Both must export the same.
describe.each(['lean', 'tracer'] as const)(
  'ServerSpans (%s) on a real HTTP server',
  (mode) => {
    const exporter = new InMemorySpanExporter();
    let provider: TracerProvider;
    let spans: ServerSpans;
    const started: Span[] = [];
    function use(sampler: Sampler): void {
      provider = new TracerProvider({
        sampler,
        spanProcessors: [new SimpleSpanProcessor({ exporter: exporter })],
      });
      const tracer = provider.getTracer('server-spans.spec');
      spans = new ServerSpans(
        mode === 'lean'
          ? tracer
          : // The same tracer behind a proxy that hides its fields: only the API is left.
            new Proxy(tracer, {
              get(target, key) {
                if (typeof key === 'string' && key.startsWith('_'))
                  return undefined;
                const value: unknown = Reflect.get(target, key);
                return typeof value === 'function' ? value.bind(target) : value;
              },
            }),
        'trust',
      );
    }
    use(new ParentBasedSampler({ root: new AlwaysOnSampler() }));
    const times = new Map<string, { start: number; end: number }>();
    let server: Server;
    let port: number;

    beforeAll(async () => {
      propagation.setGlobalPropagator(new W3CTraceContextPropagator());
      server = createServer((req, res) => {
        const path = pathOf(req.url);
        const start = performance.now() - 5; // as if the request had waited 5 ms
        const traced = spans.start(req, path, start);
        started.push(traced.span);
        const ids = traced.ids;
        if (ids !== undefined)
          res.setHeader(
            'x-ids',
            `${ids.traceId}-${ids.spanId}-${ids.traceFlags}`,
          );
        res.on('close', () => {
          const end = performance.now() - 1; // measured a moment before the span ends
          if (ids !== undefined) times.set(ids.spanId, { start, end });
          spans.end(traced, res, ROUTES[path], end);
        });
        if (path === '/hang') return; // answered never: the client gives up
        res.statusCode = path === '/boom' ? 503 : 200;
        res.end('ok');
      });
      await new Promise<void>((resolve) =>
        server.listen(0, '127.0.0.1', resolve),
      );
      port = (server.address() as AddressInfo).port;
    });
    afterEach(() => {
      exporter.reset();
      started.length = 0;
      use(new ParentBasedSampler({ root: new AlwaysOnSampler() }));
    });
    afterAll(async () => {
      propagation.disable();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await provider.shutdown();
    });

    function send(
      path: string,
      options: { method?: string; headers?: Record<string, string> } = {},
    ): Promise<number> {
      return exchange(path, options).then(({ status }) => status);
    }

    /** The status and the ids the server span got: trace id, span id, flags. */
    function exchange(
      path: string,
      options: { method?: string; headers?: Record<string, string> } = {},
    ): Promise<{ status: number; ids: string[] }> {
      return new Promise((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port, path, ...options },
          (res) => {
            res.resume();
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                ids: String(res.headers['x-ids'] ?? '').split('-'),
              }),
            );
          },
        );
        req.on('error', reject);
        req.end();
      });
    }

    async function finished(count = 1): Promise<ReadableSpan[]> {
      for (let i = 0; i < 200; i++) {
        const done = exporter.getFinishedSpans();
        if (done.length >= count) return done;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error(`fewer than ${count} spans ended within 2 s`);
    }

    it('names a matched request after its route and records the stable HTTP attributes, without the query', async () => {
      expect(
        await send('/deals/7?token=s3cr3t', {
          headers: { host: 'api.example.com:8443', 'user-agent': 'probe/1.0' },
        }),
      ).toBe(200);
      const [span] = await finished();
      expect(span?.name).toBe('GET /deals/:id');
      expect(span?.kind).toBe(SpanKind.SERVER);
      expect(span?.status.code).toBe(SpanStatusCode.UNSET);
      expect(span?.attributes).toEqual({
        'http.request.method': 'GET',
        'url.scheme': 'http',
        'url.path': '/deals/7',
        'network.protocol.version': '1.1',
        'server.address': 'api.example.com',
        'server.port': 8443,
        'network.peer.address': '127.0.0.1',
        'user_agent.original': 'probe/1.0',
        'http.route': '/deals/:id',
        'http.response.status_code': 200,
      });
    });

    it('continues the caller trace from traceparent', async () => {
      const traceId = '0af7651916cd43dd8448eb211c80319c';
      const parentId = 'b7ad6b7169203331';
      await send('/deals/7', {
        headers: { traceparent: `00-${traceId}-${parentId}-01` },
      });
      const [span] = await finished();
      expect(span?.spanContext().traceId).toBe(traceId);
      expect(span?.parentSpanContext?.spanId).toBe(parentId);
      expect(span?.parentSpanContext?.isRemote).toBe(true);
    });

    it('marks a 5xx response as an error and keeps an unmatched path unnamed', async () => {
      expect(await send('/boom')).toBe(503);
      const [span] = await finished();
      expect(span?.name).toBe('GET');
      expect(span?.status.code).toBe(SpanStatusCode.ERROR);
      expect(span?.attributes['error.type']).toBe('503');
      expect(span?.attributes['http.route']).toBeUndefined();
    });

    it('folds a method outside the standard set and keeps the original', async () => {
      await send('/deals/7', { method: 'PROPFIND' });
      const [span] = await finished();
      expect(span?.name).toBe('HTTP /deals/:id');
      expect(span?.attributes['http.request.method']).toBe('_OTHER');
      expect(span?.attributes['http.request.method_original']).toBe('PROPFIND');
    });

    it('parses IPv6 hosts and ignores a port that is not one', async () => {
      await send('/a', { headers: { host: '[::1]:3000' } });
      await send('/b', { headers: { host: 'example.com:' } });
      const done = await finished(2);
      const byPath = (p: string) =>
        done.find((s) => s.attributes['url.path'] === p)?.attributes;
      expect(byPath('/a')).toMatchObject({
        'server.address': '::1',
        'server.port': 3000,
      });
      expect(byPath('/b')?.['server.address']).toBe('example.com');
      expect(byPath('/b')?.['server.port']).toBeUndefined();
    });

    it('bounds client-controlled values: a 5 KB User-Agent and path are cut', async () => {
      const long = 'x'.repeat(5_000); // both within Node's 16 KB header limit
      await send(`/${long}`, { headers: { 'user-agent': long } });
      const [span] = await finished();
      expect(String(span?.attributes['user_agent.original'])).toHaveLength(256);
      expect(String(span?.attributes['url.path'])).toHaveLength(1024);
    });

    it('ends the span of a request the client abandoned, marked aborted', async () => {
      await new Promise<void>((resolve) => {
        const req = request({ host: '127.0.0.1', port, path: '/hang' });
        req.on('error', () => resolve()); // the socket we destroy below
        req.end();
        setTimeout(() => req.destroy(), 100);
      });
      const [span] = await finished();
      expect(span?.attributes['error.type']).toBe('aborted');
      expect(span?.attributes['http.response.status_code']).toBeUndefined();
      expect(span?.status.code).toBe(SpanStatusCode.UNSET);
    });

    it('runs from the instants the hook measured: the same start and end as the request metrics', async () => {
      await send('/deals/7');
      const [span] = await finished();
      const measured = times.get(span!.spanContext().spanId)!;
      expect(hrTimeToMilliseconds(span!.duration)).toBeCloseTo(
        measured.end - measured.start,
        3,
      );
    });

    it('asks the sampler before any span exists and exports exactly the sampled trace ids', async () => {
      const ratio = new TraceIdRatioBasedSampler(0.25);
      use(new ParentBasedSampler({ root: ratio }));
      const answers = [];
      for (let i = 0; i < 400; i++) answers.push(await exchange('/deals/7'));
      const sampled = answers.filter(({ ids }) => ids[2] === '1');
      await finished(sampled.length);
      const exported = exporter.getFinishedSpans().map((s) => s.spanContext());
      expect(exported.map((c) => `${c.traceId}-${c.spanId}`).sort()).toEqual(
        sampled.map(({ ids }) => `${ids[0]}-${ids[1]}`).sort(),
      );
      // One decision, on the id the trace is known by: TraceIdRatio agrees for every request.
      for (const { ids } of answers) {
        const decision = ratio.shouldSample(ROOT_CONTEXT, ids[0]!).decision;
        expect(decision === SamplingDecision.RECORD_AND_SAMPLED).toBe(
          ids[2] === '1',
        );
      }
      expect(sampled.length).toBeGreaterThan(60); // 100 expected; 4 sigma either side
      expect(sampled.length).toBeLessThan(140);
      expect(answers.every(({ ids }) => /^[0-9a-f]{32}$/.test(ids[0]!))).toBe(
        true,
      );
      expect(new Set(answers.map(({ ids }) => ids[0])).size).toBe(400);
    });

    it('continues an unsampled caller without recording: same trace id, flags 00, no span', async () => {
      use(new ParentBasedSampler({ root: new AlwaysOnSampler() }));
      const traceId = '0af7651916cd43dd8448eb211c80319c';
      const { ids } = await exchange('/deals/7', {
        headers: { traceparent: `00-${traceId}-b7ad6b7169203331-00` },
      });
      expect(ids[0]).toBe(traceId);
      expect(ids[1]).toMatch(/^[0-9a-f]{16}$/);
      expect(ids[1]).not.toBe('b7ad6b7169203331');
      expect(ids[2]).toBe('0');
      await send('/deals/7'); // a sampled one after it, so the first had its chance to end
      expect(await finished()).toHaveLength(1);
    });

    it(`starts its spans ${mode === 'lean' ? 'as lean spans, with the tracer pipeline' : 'with the tracer'}`, async () => {
      await send('/deals/7');
      expect(await finished()).toHaveLength(1);
      expect(started[0] instanceof LeanSpan).toBe(mode === 'lean');
    });
  },
);
