import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import {
  ADAPTERS,
  type RunningFixture,
  startFixture,
} from './support/fixture-process';

const REQUESTS = 2_000;

interface ExportedServerSpan {
  traceId: string;
  parentSpanId: string;
  links: { traceId: string; spanId: string }[];
}

/** OTLP/JSON ids are hex; tolerate base64 as well. */
function hex(id: unknown): string {
  if (typeof id !== 'string' || id === '') return '';
  return /^[0-9a-f]+$/i.test(id)
    ? id.toLowerCase()
    : Buffer.from(id, 'base64').toString('hex');
}

/** A loopback OTLP/JSON collector keeping the server spans (kind 2) with their links. */
async function startJsonCollector(): Promise<{
  url: string;
  serverSpans: ExportedServerSpan[];
  close: () => Promise<void>;
}> {
  const serverSpans: ExportedServerSpan[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      type Json = {
        resourceSpans?: {
          scopeSpans?: {
            spans?: {
              kind?: number;
              traceId?: string;
              parentSpanId?: string;
              links?: { traceId?: string; spanId?: string }[];
            }[];
          }[];
        }[];
      };
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json;
      for (const rs of body.resourceSpans ?? [])
        for (const ss of rs.scopeSpans ?? [])
          for (const span of ss.spans ?? [])
            if (span.kind === 2)
              serverSpans.push({
                traceId: hex(span.traceId),
                parentSpanId: hex(span.parentSpanId),
                links: (span.links ?? []).map((l) => ({
                  traceId: hex(l.traceId),
                  spanId: hex(l.spanId),
                })),
              });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    serverSpans,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface Answer {
  forgedTrace: string;
  forgedSpan: string;
  traceId: string;
  sampled: boolean;
}

/** `count` GETs, each with its own forged, sampled `traceparent`, 16 at a time. */
async function forgedRequests(
  app: RunningFixture,
  count: number,
): Promise<Answer[]> {
  const answers: Answer[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const forgedTrace = randomBytes(16).toString('hex');
      const forgedSpan = randomBytes(8).toString('hex');
      const res = await fetch(app.url(`/api/items/${i}`), {
        headers: { traceparent: `00-${forgedTrace}-${forgedSpan}-01` },
      });
      await res.arrayBuffer();
      expect(res.status).toBe(200);
      const traceresponse = res.headers.get('traceresponse') ?? '';
      answers.push({
        forgedTrace,
        forgedSpan,
        traceId: res.headers.get('x-trace-id') ?? '',
        sampled: traceresponse.endsWith('-01'),
      });
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return answers;
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
}

describe.each(ADAPTERS)(
  'incoming trace context at the edge on %s (parentbased_traceidratio 0.01)',
  (adapter) => {
    let app: RunningFixture | undefined;
    let collector: Awaited<ReturnType<typeof startJsonCollector>> | undefined;

    afterEach(async () => {
      await app?.stop();
      await collector?.close();
      app = undefined;
      collector = undefined;
    });

    const start = async (policy: 'trust' | 'distrust' | undefined) => {
      collector = await startJsonCollector();
      app = await startFixture({
        adapter,
        env: {
          OTEL_TRACES_EXPORTER: 'otlp',
          OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: collector.url,
          OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
          OTEL_TRACES_SAMPLER_ARG: '0.01',
          // Room for every span of the trusting run (two per request).
          OTEL_BSP_MAX_QUEUE_SIZE: '10000',
          OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '1000',
          OTEL_BSP_SCHEDULE_DELAY: '200',
          ...(policy === undefined
            ? {}
            : { PRS_TRACES_INCOMING_CONTEXT: policy }),
        },
      });
      return { app, collector };
    };

    it('distrust: a forged sampled traceparent on 2,000 requests samples ~1 % (under 3 %), each in a new trace linking the caller', async () => {
      const { app, collector } = await start('distrust');
      const answers = await forgedRequests(app, REQUESTS);
      const sampled = answers.filter((a) => a.sampled);
      // Binomial(2,000, 0.01): mean 20, sd 4.4; 1..59 fails with a chance below 1e-8.
      expect(sampled.length).toBeGreaterThanOrEqual(1);
      expect(sampled.length).toBeLessThan(REQUESTS * 0.03);
      // The caller's trace id is never ours: logs and the response name the new trace.
      for (const a of answers) {
        expect(a.traceId).toMatch(/^[0-9a-f]{32}$/);
        expect(a.traceId).not.toBe(a.forgedTrace);
      }
      await until(() => collector.serverSpans.length >= sampled.length, 15_000);
      expect(collector.serverSpans).toHaveLength(sampled.length);
      const byTrace = new Map(answers.map((a) => [a.traceId, a]));
      for (const span of collector.serverSpans) {
        const caller = byTrace.get(span.traceId);
        expect(caller?.sampled).toBe(true);
        expect(span.parentSpanId).toBe('');
        expect(span.links).toEqual([
          { traceId: caller!.forgedTrace, spanId: caller!.forgedSpan },
        ]);
      }
    });

    it("trust (the default): the forged sampled parent is followed, 2,000 of 2,000 sampled and exported in the caller's trace", async () => {
      const { app, collector } = await start(undefined);
      const answers = await forgedRequests(app, REQUESTS);
      expect(answers.filter((a) => a.sampled)).toHaveLength(REQUESTS);
      for (const a of answers) expect(a.traceId).toBe(a.forgedTrace);
      await until(() => collector.serverSpans.length >= REQUESTS, 20_000);
      expect(collector.serverSpans).toHaveLength(REQUESTS);
      const forgedSpans = new Set(answers.map((a) => a.forgedSpan));
      for (const span of collector.serverSpans) {
        expect(forgedSpans.has(span.parentSpanId)).toBe(true);
        expect(span.links).toEqual([]);
      }
    });
  },
);
