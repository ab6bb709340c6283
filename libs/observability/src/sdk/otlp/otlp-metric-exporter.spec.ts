import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { type AddressInfo, type Socket } from 'node:net';
import { Worker } from 'node:worker_threads';
import { type SpanContext, TraceFlags } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import {
  AggregationTemporality,
  type InstrumentType,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { otlpServiceTypes } from '../../../../../test/support/otlp-common';
import {
  OtlpMetricExporter,
  type OtlpMetricExporterConfig,
} from './otlp-metric-exporter';

/** ExportMetricsServiceRequest from the official definitions vendored for the tests. */
const request = () => otlpServiceTypes('metrics').request;

interface DecodedMetric {
  name: string;
  sum?: { aggregationTemporality?: number };
  histogram?: {
    dataPoints: {
      exemplars?: { traceId: string; spanId: string; asDouble: number }[];
    }[];
  };
}

/** The metrics of a received body, decoded by its Content-Type as a collector would. */
function receivedMetrics(body: Buffer, contentType: string): DecodedMetric[] {
  const type = request();
  let message;
  if (contentType === 'application/x-protobuf') {
    message = type.decode(body);
  } else {
    // OTLP/JSON ids are hex; the proto3 JSON mapping protobufjs reads wants base64.
    const json = JSON.parse(body.toString('utf8'), (key, value: unknown) =>
      (key === 'traceId' || key === 'spanId') && typeof value === 'string'
        ? Buffer.from(value, 'hex').toString('base64')
        : value,
    ) as object;
    message = type.fromObject(json);
  }
  const decoded = type.toObject(message, {
    longs: String,
    enums: Number,
    bytes: String,
  }) as {
    resourceMetrics: { scopeMetrics: { metrics: DecodedMetric[] }[] }[];
  };
  return decoded.resourceMetrics.flatMap((r) =>
    r.scopeMetrics.flatMap((s) => s.metrics),
  );
}

interface Received {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A local OTLP receiver that records each request and answers it with `respond`. */
async function receiver(
  respond: (res: ServerResponse, req: IncomingMessage) => void,
): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks),
      });
      respond(res, req);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/metrics`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A URL nothing listens on: a port just released. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/v1/metrics`;
}

const SAMPLED: SpanContext = {
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  traceFlags: TraceFlags.SAMPLED,
};

/*
 * Exports run in a worker thread: OpenTelemetry's transport loads `http` with a dynamic
 * import(), which Jest's VM refuses without --experimental-vm-modules (as
 * test/support/trace-receivers/exporter-worker.js explains). The worker compiles our
 * TypeScript with `typescript`'s transpileModule as it is required, builds a collection
 * (an SDK counter and a tallied histogram with one exemplar) and reports the ExportResult
 * and any unhandled rejection. `scenario: 'periodic'` instead exports a counter and an
 * up-down counter through a PeriodicExportingMetricReader, shut down at once.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const local = require('node:module').createRequire(workerData.here);
const ts = local('typescript');
local.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
    fileName: filename,
  });
  module._compile(outputText, filename);
};
const sdk = local('@opentelemetry/sdk-metrics');
const { resourceFromAttributes } = local('@opentelemetry/resources');
const { OtlpMetricExporter } = local('./otlp-metric-exporter');
const { MetricTallies } = local('../../core/metric-tallies');

const unhandled = [];
process.on('unhandledRejection', (reason) => unhandled.push(String(reason)));

class PullReader extends sdk.MetricReader {
  onForceFlush() { return Promise.resolve(); }
  onShutdown() { return Promise.resolve(); }
}

async function collection() {
  const tallies = new MetricTallies({ exemplars: true });
  const reader = new PullReader({ metricProducers: [tallies] });
  const meter = new sdk.MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'prs-backend' }),
    readers: [reader],
  }).getMeter('t');
  meter.createCounter('requests').add(2, { route: '/a' });
  tallies
    .histogram({ name: 'prs_duration_seconds', description: 'd' }, [0.1, 1])
    .record(0.25, Object.freeze({ route: '/a' }), workerData.sampled);
  return (await reader.collect()).resourceMetrics;
}

async function run({ config, scenario }) {
  const exporter = new OtlpMetricExporter(config);
  if (scenario === 'periodic') {
    const reader = new sdk.PeriodicExportingMetricReader({
      exporter,
      exportIntervalMillis: 60000,
    });
    const provider = new sdk.MeterProvider({ readers: [reader] });
    const meter = provider.getMeter('t');
    meter.createCounter('requests').add(1);
    meter.createUpDownCounter('in.flight').add(1);
    await provider.shutdown(); // a last export, then the exporter's shutdown
    return {};
  }
  const metrics = await collection();
  const started = Date.now();
  const result = await new Promise((resolve) => exporter.export(metrics, resolve));
  const ms = Date.now() - started;
  await exporter.shutdown();
  return { code: result.code, error: result.error && result.error.message, ms };
}

parentPort.on('message', (message) => {
  run(message).then(
    (value) =>
      setTimeout(() => {
        value.unhandled = unhandled.splice(0);
        parentPort.postMessage({ id: message.id, value });
      }, 20),
    (error) =>
      parentPort.postMessage({ id: message.id, error: String(error.stack || error) }),
  );
});
`;

interface Outcome {
  code?: ExportResultCode;
  error?: string;
  ms?: number;
  unhandled: string[];
}

let worker: Worker;
let lastId = 0;
const replies = new Map<
  number,
  (reply: { value?: Outcome; error?: string }) => void
>();

/** One export by a new exporter with `config`, in the worker. */
function exportInWorker(
  config: OtlpMetricExporterConfig,
  scenario: 'export' | 'periodic' = 'export',
): Promise<Outcome> {
  const id = ++lastId;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`worker: no answer to ${scenario} in 15 s`)),
      15_000,
    );
    replies.set(id, ({ value, error }) => {
      clearTimeout(timer);
      if (value) resolve(value);
      else reject(new Error(`worker: ${error}`));
    });
    worker.postMessage({ id, config, scenario });
  });
}

const BASE: Omit<OtlpMetricExporterConfig, 'url'> = {
  protocol: 'http/protobuf',
  timeoutMillis: 2000,
  temporalityPreference: 'cumulative',
};

describe('OtlpMetricExporter', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(() => {
    process.on('unhandledRejection', onUnhandled);
    worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { here: __filename, sampled: SAMPLED },
    });
    worker.on('message', (reply: { id: number; value?: Outcome }) =>
      replies.get(reply.id)?.(reply),
    );
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await worker.terminate();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
    expect(unhandled.splice(0)).toEqual([]);
  });

  async function receiverFor(
    respond: (res: ServerResponse, req: IncomingMessage) => void,
  ) {
    const r = await receiver(respond);
    cleanups.push(() => r.close());
    return r;
  }

  it.each([
    ['http/protobuf', 'application/x-protobuf'],
    ['http/json', 'application/json'],
  ] as const)(
    '%s: POSTs the collection, exemplars included, to the URL with its Content-Type and headers',
    async (protocol, contentType) => {
      const collector = await receiverFor((res) => {
        res.writeHead(200, { 'Content-Type': contentType });
        res.end(contentType === 'application/json' ? '{}' : '');
      });
      const outcome = await exportInWorker({
        ...BASE,
        protocol,
        url: collector.url,
        headers: { Authorization: 'Api-Token t' },
      });
      expect(outcome).toMatchObject({
        code: ExportResultCode.SUCCESS,
        unhandled: [],
      });
      expect(collector.received).toHaveLength(1);
      const [{ method, url, headers, body }] = collector.received as [Received];
      expect({ method, url }).toEqual({ method: 'POST', url: '/v1/metrics' });
      expect(headers['content-type']).toBe(contentType);
      expect(headers.authorization).toBe('Api-Token t');
      const metrics = receivedMetrics(body, contentType);
      expect(metrics.map((m) => m.name).sort()).toEqual([
        'prs_duration_seconds',
        'requests',
      ]);
      const histogram = metrics.find((m) => m.name === 'prs_duration_seconds');
      expect(histogram?.histogram?.dataPoints[0]?.exemplars).toEqual([
        expect.objectContaining({
          asDouble: 0.25,
          traceId: Buffer.from(SAMPLED.traceId, 'hex').toString('base64'),
          spanId: Buffer.from(SAMPLED.spanId, 'hex').toString('base64'),
        }),
      ]);
    },
  );

  it('under a PeriodicExportingMetricReader, exports with the temporality it prefers', async () => {
    const collector = await receiverFor((res) => res.end());
    await exportInWorker(
      { ...BASE, url: collector.url, temporalityPreference: 'delta' },
      'periodic',
    );
    expect(collector.received).toHaveLength(1);
    const metrics = receivedMetrics(
      collector.received[0]!.body,
      'application/x-protobuf',
    );
    const temporality = Object.fromEntries(
      metrics.map((m) => [m.name, m.sum?.aggregationTemporality]),
    );
    expect(temporality).toEqual({ requests: 1, 'in.flight': 2 }); // DELTA, CUMULATIVE
  });

  it('a receiver answering 503 is retried (OpenTelemetry’s transport), then the export FAILED', async () => {
    const collector = await receiverFor((res) => {
      res.writeHead(503);
      res.end();
    });
    // The first retry waits about a second (±20 %); the next would pass the timeout.
    const outcome = await exportInWorker({
      ...BASE,
      url: collector.url,
      timeoutMillis: 1500,
    });
    expect(outcome).toMatchObject({
      code: ExportResultCode.FAILED,
      unhandled: [],
    });
    expect(collector.received).toHaveLength(2);
    expect(outcome.ms).toBeLessThan(2000);
  });

  it('a receiver that never answers: FAILED within about timeoutMillis', async () => {
    const collector = await receiverFor(() => {});
    const outcome = await exportInWorker({
      ...BASE,
      url: collector.url,
      timeoutMillis: 400,
    });
    expect(outcome).toMatchObject({
      code: ExportResultCode.FAILED,
      error: expect.stringMatching(/timed out/i) as string,
      unhandled: [],
    });
    expect(outcome.ms).toBeGreaterThanOrEqual(350);
    expect(outcome.ms).toBeLessThan(1500);
  });

  it('a closed port: FAILED, bounded by timeoutMillis', async () => {
    const outcome = await exportInWorker({
      ...BASE,
      url: await closedPortUrl(),
      timeoutMillis: 300,
    });
    expect(outcome).toMatchObject({
      code: ExportResultCode.FAILED,
      error: expect.stringMatching(/ECONNREFUSED/) as string,
      unhandled: [],
    });
    expect(outcome.ms).toBeLessThan(1500);
  });

  it('a collection that cannot be encoded: FAILED through the callback, nothing thrown', async () => {
    const exporter = new OtlpMetricExporter({
      ...BASE,
      url: await closedPortUrl(),
    });
    cleanups.push(() => exporter.shutdown());
    const broken = {
      resource: {
        get attributes(): never {
          throw new Error('resource attributes unreadable');
        },
      },
      scopeMetrics: [],
    } as unknown as ResourceMetrics;
    const result = await new Promise<ExportResult>((resolve) =>
      exporter.export(broken, resolve),
    );
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error?.message).toBe('resource attributes unreadable');
  });

  const D = AggregationTemporality.DELTA;
  const C = AggregationTemporality.CUMULATIVE;
  it.each([
    [
      'cumulative',
      { COUNTER: C, OBSERVABLE_COUNTER: C, HISTOGRAM: C, UP_DOWN_COUNTER: C },
    ],
    [
      'delta',
      {
        COUNTER: D,
        OBSERVABLE_COUNTER: D,
        HISTOGRAM: D,
        GAUGE: D,
        OBSERVABLE_GAUGE: D,
        UP_DOWN_COUNTER: C,
        OBSERVABLE_UP_DOWN_COUNTER: C,
      },
    ],
    [
      'lowmemory',
      {
        COUNTER: D,
        HISTOGRAM: D,
        OBSERVABLE_COUNTER: C,
        GAUGE: C,
        OBSERVABLE_GAUGE: C,
        UP_DOWN_COUNTER: C,
        OBSERVABLE_UP_DOWN_COUNTER: C,
      },
    ],
  ] as const)('temporality preference %s', (preference, expected) => {
    const exporter = new OtlpMetricExporter({
      ...BASE,
      url: 'http://127.0.0.1:4318/v1/metrics',
      temporalityPreference: preference,
    });
    const chosen = Object.fromEntries(
      Object.keys(expected).map((type) => [
        type,
        exporter.selectAggregationTemporality(type as InstrumentType),
      ]),
    );
    expect(chosen).toEqual(expected);
  });
});
