/**
 * One test per OpenTelemetry internal (or experimental surface) the SDK still relies on.
 * Each fails with `<package>@<installed version>: <what broke>; <our file> depends on it`,
 * so an upgrade that breaks one names the package and the file to fix at once.
 * The table of these reliances, and why each has no public replacement, is in
 * docs/upgrading-opentelemetry.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type Attributes,
  createNoopMeter,
  ROOT_CONTEXT,
  SpanKind,
  type Meter,
  type Span,
  ValueType,
} from '@opentelemetry/api';
import { hrTime } from '@opentelemetry/core';
import {
  PrometheusExporter,
  PrometheusSerializer,
} from '@opentelemetry/exporter-prometheus';
import {
  type InstrumentationBase,
  isWrapped,
} from '@opentelemetry/instrumentation';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import {
  type IOtlpExportDelegate,
  type OTLPExporterConfigBase,
  OTLPExporterBase,
} from '@opentelemetry/otlp-exporter-base';
import {
  type IExporterMetricsHelper,
  type ISerializer,
  JsonMetricsSerializer,
  MetricsExporterMetricsHelper,
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
  TraceExporterMetricsHelper,
} from '@opentelemetry/otlp-transformer';
import {
  emptyResource,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  MeterProvider,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';
import {
  BatchSpanProcessor,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { otlpTypes } from '../../../../test/support/trace-receivers/otlp-decode';
import { chainPatch } from '../instrumentation/chain-patch';
import { spanPipelineOf, startLeanSpan } from '../tracing/span-pipeline';
import { OtlpProtoSpanExporter } from './otlp/otlp-proto-span-exporter';
import {
  QUEUE_FULL,
  SPAN_PROCESSED_METRIC,
} from './counting-batch-span-processor';

const SRC = join(__dirname, '..');
const nodeRequire = createRequire(__filename);

/** The installed version, from its package.json (3.x packages do not export `./package.json`). */
function installedVersion(pkg: string): string {
  let dir = dirname(nodeRequire.resolve(pkg));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name, version } = JSON.parse(readFileSync(manifest, 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (name === pkg) return version ?? 'unknown';
    }
    const up = dirname(dir);
    if (up === dir) return 'unknown';
    dir = up;
  }
}

/** A package internal we rely on, and the file of ours that relies on it. */
interface Reliance {
  pkg: string;
  file: string;
}

/** `expect(condition)`, failing with a message that names the package, the change and our file. */
function expectInternal(
  condition: unknown,
  { pkg, file }: Reliance,
  broke: string,
): asserts condition {
  if (!condition) {
    throw new Error(
      `${pkg}@${installedVersion(pkg)}: ${broke}; ${file} depends on it — see docs/upgrading-opentelemetry.md`,
    );
  }
}

const show = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'bigint' ? `${v}n` : v,
  );

/** What the exporter takes from `@opentelemetry/otlp-exporter-base/node-http` (as it restates it). */
interface NodeHttpEntry {
  convertLegacyHttpOptions(
    this: void,
    config: OTLPExporterConfigBase,
    signalIdentifier: string,
    signalResourcePath: string,
    requiredHeaders: Record<string, string>,
  ): { url?: string; agentFactory?: unknown };
  createOtlpHttpExportDelegate<Internal, Response>(
    this: void,
    options: unknown,
    serializer: ISerializer<Internal, Response>,
    metricsComponentType: string,
    exporterMetricsHelper: IExporterMetricsHelper<Internal>,
    meterProvider: undefined,
  ): IOtlpExportDelegate<Internal>;
}

const EXPORTER_FILE =
  'libs/observability/src/sdk/otlp/otlp-proto-span-exporter.ts';

/** Finished spans from a real SDK tracer provider, as a span processor hands them to an exporter. */
function finishedSpans(...names: string[]): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  for (const name of names)
    provider.getTracer('otel-internals').startSpan(name).end();
  return exporter.getFinishedSpans();
}

type Method = (this: unknown, ...args: unknown[]) => unknown;

/** What instrumentation-pg patches: pg's `Client`, without the wire. */
function fakePg(query: Method): {
  module: { Client: unknown };
  proto: Record<string, unknown>;
  client: object;
} {
  class Client {
    database = 'test';
    connectionParameters = {
      host: '127.0.0.1',
      port: 5432,
      database: 'test',
      user: 'app',
    };
    connect(): Promise<void> {
      return Promise.resolve();
    }
  }
  const proto = Client.prototype as unknown as Record<string, unknown>;
  proto.query = query;
  return { module: { Client }, proto, client: new Client() };
}

/** Calls `proto[name]` on `self`, as the app would call the patched method. */
function callPatched(
  proto: Record<string, unknown>,
  name: string,
  self: object,
  ...args: unknown[]
): unknown {
  return (proto[name] as Method).apply(self, args);
}

/** Applies an instrumentation's patch for `name` as its require hook would on load. */
function patchAsLoaded(
  instrumentation: InstrumentationBase,
  name: string,
  moduleExports: object,
  version: string,
): void {
  const definition = instrumentation
    .getModuleDefinitions()
    .find((d) => d.name === name);
  if (definition?.patch === undefined)
    throw new Error(
      `${instrumentation.instrumentationName} has no patch for ${name}`,
    );
  definition.patch(moduleExports, version);
}

describe('OpenTelemetry internals the SDK relies on (see docs/upgrading-opentelemetry.md)', () => {
  it('1. @opentelemetry/otlp-exporter-base: ./node-http convertLegacyHttpOptions + createOtlpHttpExportDelegate, main OTLPExporterBase', async () => {
    const base: Reliance = {
      pkg: '@opentelemetry/otlp-exporter-base',
      file: EXPORTER_FILE,
    };
    // Required exactly as the exporter does it: createRequire from its own file.
    let nodeHttp: Partial<NodeHttpEntry> = {};
    let failure = '';
    try {
      nodeHttp = createRequire(
        join(SRC, 'sdk', 'otlp', 'otlp-proto-span-exporter.ts'),
      )('@opentelemetry/otlp-exporter-base/node-http') as NodeHttpEntry;
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    }
    expectInternal(
      failure === '',
      base,
      `the subpath export ./node-http cannot be required (${failure})`,
    );
    const { convertLegacyHttpOptions, createOtlpHttpExportDelegate } = nodeHttp;
    expectInternal(
      typeof convertLegacyHttpOptions === 'function',
      base,
      './node-http no longer exports the function convertLegacyHttpOptions',
    );
    expectInternal(
      typeof createOtlpHttpExportDelegate === 'function',
      base,
      './node-http no longer exports the function createOtlpHttpExportDelegate',
    );
    expectInternal(
      typeof OTLPExporterBase === 'function',
      base,
      'the main entry no longer exports the class OTLPExporterBase',
    );

    // The call shapes our exporter uses. (Exporting over the wire is left to the e2e
    // suites: the transport's dynamic import('http') cannot run inside Jest's VM.)
    const url = 'http://127.0.0.1:4318/v1/traces';
    const options = convertLegacyHttpOptions({ url }, 'TRACES', 'v1/traces', {
      'Content-Type': 'application/x-protobuf',
    });
    expectInternal(
      options?.url === url && typeof options.agentFactory === 'function',
      base,
      `convertLegacyHttpOptions(config, 'TRACES', 'v1/traces', requiredHeaders) no longer returns a node-http configuration with the url and an agentFactory (got ${show(options)})`,
    );
    const delegate = createOtlpHttpExportDelegate(
      options,
      ProtobufTraceSerializer,
      'otlp_http_span_exporter',
      TraceExporterMetricsHelper,
      undefined,
    );
    expectInternal(
      ['export', 'forceFlush', 'shutdown'].every(
        (m) =>
          typeof (delegate as unknown as Record<string, unknown>)[m] ===
          'function',
      ),
      base,
      `createOtlpHttpExportDelegate(options, serializer, metricsComponentType, exporterMetricsHelper, meterProvider) no longer returns an export delegate (got ${show(delegate)})`,
    );
    await delegate.shutdown();
    const exporter = new OtlpProtoSpanExporter({ url });
    expectInternal(
      exporter instanceof OTLPExporterBase,
      base,
      'OtlpProtoSpanExporter, built on OTLPExporterBase and the node-http delegate, could not be constructed',
    );
    await exporter.shutdown();
  });

  it('2. @opentelemetry/otlp-transformer: ProtobufTraceSerializer.deserializeResponse and TraceExporterMetricsHelper', () => {
    const transformer: Reliance = {
      pkg: '@opentelemetry/otlp-transformer',
      file: EXPORTER_FILE,
    };
    expectInternal(
      typeof ProtobufTraceSerializer?.deserializeResponse === 'function',
      transformer,
      'ProtobufTraceSerializer.deserializeResponse is gone (our serializer hands collector responses to it)',
    );
    // What a collector answers on success: an empty ExportTraceServiceResponse, encoded
    // with the official opentelemetry-proto definitions the test receivers use.
    const { response } = otlpTypes();
    const empty = response.encode(response.create({})).finish();
    let decodedEmpty: unknown;
    let failure = '';
    try {
      decodedEmpty = ProtobufTraceSerializer.deserializeResponse(empty);
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    }
    expectInternal(
      failure === '' && typeof decodedEmpty === 'object',
      transformer,
      `ProtobufTraceSerializer.deserializeResponse no longer reads an empty ExportTraceServiceResponse (${failure || show(decodedEmpty)})`,
    );
    // A partial success, encoded by hand (the vendored .proto predates partial_success):
    // ExportTraceServiceResponse.partial_success = 1 { rejected_spans = 1, error_message = 2 }.
    const text = Buffer.from('too large');
    const inner = Buffer.concat([
      Buffer.from([0x08, 3, 0x12, text.length]),
      text,
    ]);
    const partial = Buffer.concat([Buffer.from([0x0a, inner.length]), inner]);
    const decoded = ProtobufTraceSerializer.deserializeResponse(partial);
    expectInternal(
      Number(decoded?.partialSuccess?.rejectedSpans) === 3 &&
        decoded?.partialSuccess?.errorMessage === 'too large',
      transformer,
      `ProtobufTraceSerializer.deserializeResponse no longer decodes partial_success {rejected_spans: 3, error_message} (got ${show(decoded)})`,
    );
    expectInternal(
      typeof TraceExporterMetricsHelper?.countItems === 'function' &&
        TraceExporterMetricsHelper.countItems(finishedSpans('a', 'b')) === 2,
      transformer,
      'TraceExporterMetricsHelper (the exporter-metrics helper handed to createOtlpHttpExportDelegate) is gone or no longer counts spans',
    );
  });

  it('3. @opentelemetry/sdk-trace: BatchSpanProcessor reports queue_full drops to its selfObsMeterProvider', async () => {
    // counting-batch-span-processor.spec.ts covers our processor end to end; this checks the
    // SDK side alone, by name, so a change shows up as the SDK's and not as ours.
    const sdk: Reliance = {
      pkg: '@opentelemetry/sdk-trace',
      file: 'libs/observability/src/sdk/counting-batch-span-processor.ts',
    };
    const added: { name: string; attributes?: Attributes }[] = [];
    let askedForMeter = false;
    const noop = createNoopMeter();
    const meter: Meter = Object.create(noop) as Meter;
    meter.createCounter = (name: string) => ({
      add: (_value: number, attributes?: Attributes) =>
        void added.push({ name, attributes }),
    });
    const processor = new BatchSpanProcessor({
      exporter: new InMemorySpanExporter(),
      maxQueueSize: 2,
      maxExportBatchSize: 2,
      scheduledDelayMillis: 60_000,
      selfObsMeterProvider: {
        getMeter: () => {
          askedForMeter = true;
          return meter;
        },
      },
    });
    const provider = new TracerProvider({ spanProcessors: [processor] });
    const tracer = provider.getTracer('otel-internals');
    for (let i = 0; i < 10; i++) tracer.startSpan(`s${i}`).end();
    await provider.shutdown();

    expectInternal(
      askedForMeter,
      sdk,
      'BatchSpanProcessor no longer takes a meter from its selfObsMeterProvider option',
    );
    expectInternal(
      added.some(
        (a) =>
          a.name === SPAN_PROCESSED_METRIC &&
          a.attributes?.['error.type'] === QUEUE_FULL,
      ),
      sdk,
      `BatchSpanProcessor no longer counts spans dropped on a full queue as ${SPAN_PROCESSED_METRIC}{error.type=${QUEUE_FULL}} (it recorded ${show(added.slice(0, 5))}), so prs_telemetry_spans_dropped_total would stay 0`,
    );
  });

  it('4. @opentelemetry/sdk-trace span (as instrumentation-pg hands it to requestHook) exposes .attributes', async () => {
    const file = 'libs/observability/src/instrumentation/instrumentations.ts';
    const sdk: Reliance = { pkg: '@opentelemetry/sdk-trace', file };
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({
      spanProcessors: [new SimpleSpanProcessor({ exporter })],
    });
    const span = provider.getTracer('otel-internals').startSpan('q');
    span.setAttribute('db.query.text', 'SELECT 1');
    const attributes = (span as Span & { attributes?: unknown }).attributes;
    expectInternal(
      typeof attributes === 'object' &&
        attributes !== null &&
        (attributes as Record<string, unknown>)['db.query.text'] === 'SELECT 1',
      sdk,
      `a started SDK span no longer exposes the attributes set on it as a readable .attributes object (got ${show(attributes)}); sanitizeStatement reads it to find db.query.text/db.statement`,
    );
    span.end();

    // The same through instrumentation-pg: the span its requestHook receives carries the
    // statement under one of the keys sanitizeStatement overwrites.
    const pg: Reliance = { pkg: '@opentelemetry/instrumentation-pg', file };
    let seen: unknown;
    const instrumentation = new PgInstrumentation({
      enabled: false,
      requestHook: (hooked) => {
        seen = (hooked as Span & { attributes?: unknown }).attributes;
      },
    });
    instrumentation.setTracerProvider(provider);
    const pgFake = fakePg(() => Promise.resolve({ rows: [] }));
    patchAsLoaded(instrumentation, 'pg', pgFake.module, installedVersion('pg'));
    await callPatched(
      pgFake.proto,
      'query',
      pgFake.client,
      "SELECT * FROM users WHERE email = 'a@b.c'",
    );
    const statement = seen as Record<string, unknown> | undefined;
    expectInternal(
      statement?.['db.query.text'] !== undefined ||
        statement?.['db.statement'] !== undefined,
      pg,
      `the span handed to requestHook has no db.query.text or db.statement in .attributes (got ${show(seen)}), so sanitizeStatement would leave SQL literals on spans`,
    );
    await provider.shutdown();
  });

  it('9. @opentelemetry/sdk-trace Tracer keeps _sampler, _spanLimits, _resource, instrumentationScope and _spanProcessor', () => {
    const sdk: Reliance = {
      pkg: '@opentelemetry/sdk-trace',
      file: 'libs/observability/src/tracing/span-pipeline.ts',
    };
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({
      spanLimits: { attributeCountLimit: 7 },
      spanProcessors: [new SimpleSpanProcessor({ exporter })],
    });
    const tracer = provider.getTracer('otel-internals', '9.9.9');
    const pipeline = spanPipelineOf(tracer);
    expectInternal(
      pipeline !== undefined,
      sdk,
      `the SDK Tracer no longer has the fields spanPipelineOf reads (got keys ${show(Object.keys(tracer))}); the SDK's server and handler spans fall back to tracer.startSpan`,
    );
    expectInternal(
      pipeline.limits.attributeCountLimit === 7 &&
        pipeline.scope.version === '9.9.9' &&
        pipeline.resource.attributes['service.name'] !== undefined,
      sdk,
      `the Tracer's _spanLimits, instrumentationScope or _resource changed meaning (got ${show({ limits: pipeline.limits, scope: pipeline.scope })})`,
    );
    // Its _spanProcessor is the provider's: a lean span ended through it is exported.
    startLeanSpan(pipeline, 'lean', SpanKind.INTERNAL, ROOT_CONTEXT).end();
    expectInternal(
      exporter
        .getFinishedSpans()
        .map((s) => s.name)
        .join() === 'lean',
      sdk,
      "the Tracer's _spanProcessor no longer reaches the provider's processors",
    );
  });

  it('5. @opentelemetry/instrumentation isWrapped marks only shimmer wrappers; pg/ioredis instrumentations chain with an unmarked wrapper', () => {
    const file = 'libs/observability/src/instrumentation/chain-patch.ts';
    const instrumentation: Reliance = {
      pkg: '@opentelemetry/instrumentation',
      file,
    };
    expectInternal(
      typeof isWrapped === 'function',
      instrumentation,
      'isWrapped is no longer exported',
    );

    // pg: our chained wrapper first (as when PgQueryMetricsInstrumentation ran first),
    // then instrumentation-pg's patch, which unwraps what isWrapped() reports before wrapping.
    let ours = 0;
    const original: Method = () => Promise.resolve({ rows: [] });
    const pg = fakePg(original);
    chainPatch<Method>(
      pg.proto,
      'query',
      (inner) =>
        function query(this: unknown, ...args: unknown[]) {
          ours++;
          return inner.apply(this, args);
        },
    );
    expectInternal(
      !isWrapped(pg.proto.query),
      instrumentation,
      'isWrapped() reports a chainPatch wrapper (no shimmer __wrapped marker) as wrapped, so contrib instrumentations would unwrap (drop) our pg/ioredis metrics wrappers',
    );
    patchAsLoaded(
      new PgInstrumentation({ enabled: false }),
      'pg',
      pg.module,
      installedVersion('pg'),
    );
    expectInternal(
      isWrapped(pg.proto.query),
      instrumentation,
      "isWrapped() no longer recognises instrumentation-pg's wrapper of Client.prototype.query, so the bootstrap check (instrumentation-check.ts) would report pg as not instrumented",
    );
    void callPatched(pg.proto, 'query', pg.client, 'SELECT 1');
    expectInternal(
      ours === 1,
      { pkg: '@opentelemetry/instrumentation-pg', file },
      'patching pg dropped a wrapper without the __wrapped marker instead of wrapping it (prs_database_* metrics would stop)',
    );

    // ioredis: the same for Redis.prototype.sendCommand.
    let oursRedis = 0;
    class Redis {
      sendCommand(): unknown {
        return undefined;
      }
      connect(): Promise<void> {
        return Promise.resolve();
      }
    }
    const redisProto = Redis.prototype as unknown as Record<string, unknown>;
    chainPatch<Method>(
      redisProto,
      'sendCommand',
      (inner) =>
        function sendCommand(this: unknown, ...args: unknown[]) {
          oursRedis++;
          return inner.apply(this, args);
        },
    );
    patchAsLoaded(
      new IORedisInstrumentation({ enabled: false }),
      'ioredis',
      Redis,
      installedVersion('ioredis'),
    );
    callPatched(redisProto, 'sendCommand', new Redis(), {
      name: 'get',
      args: ['k'],
    });
    expectInternal(
      isWrapped(redisProto.sendCommand) && oursRedis === 1,
      { pkg: '@opentelemetry/instrumentation-ioredis', file },
      `patching ioredis no longer chains with a wrapper without the __wrapped marker (wrapped: ${isWrapped(redisProto.sendCommand)}, our wrapper called ${oursRedis}×; prs_cache_* metrics would stop)`,
    );
  });

  it('6. import-in-the-middle: hook.mjs exists and module.register honours data.include', () => {
    const loaderHook = join(SRC, 'instrumentation', 'loader-hook.ts');
    const iitm: Reliance = {
      pkg: 'import-in-the-middle',
      file: 'libs/observability/src/instrumentation/loader-hook.ts',
    };
    let hookFile = '';
    try {
      hookFile = createRequire(loaderHook).resolve(
        'import-in-the-middle/hook.mjs',
      );
    } catch {
      // reported below
    }
    expectInternal(
      hookFile !== '' && existsSync(hookFile),
      iitm,
      'import-in-the-middle/hook.mjs no longer resolves',
    );
    // The hook's wrappers report to the copy of import-in-the-middle whose Hook
    // @opentelemetry/instrumentation uses: a second copy and no ESM import is patched.
    const instrumentationsCopy = createRequire(
      nodeRequire.resolve('@opentelemetry/instrumentation'),
    ).resolve('import-in-the-middle');
    expectInternal(
      createRequire(loaderHook).resolve('import-in-the-middle') ===
        instrumentationsCopy,
      iitm,
      `our import-in-the-middle is not the copy @opentelemetry/instrumentation uses (${instrumentationsCopy}); dedupe it`,
    );
    // A loader hook cannot be registered inside Jest's worker without leaking into other
    // suites, so a short child process registers it exactly as registerLoaderHook does.
    const probe = `
      import { register, createRequire } from 'node:module';
      register('import-in-the-middle/hook.mjs', process.argv[1], { data: { include: ['os', 'pg'] } });
      const { Hook } = createRequire(process.argv[1])('import-in-the-middle');
      const seen = [];
      new Hook(['os', 'path', 'pg'], (exports, name) => { seen.push(name); return exports; });
      await import('node:os'); await import('node:path'); await import('pg');
      process.stdout.write(JSON.stringify(seen));
    `;
    const child = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', probe, pathToFileURL(loaderHook).href],
      { cwd: __dirname, encoding: 'utf8', timeout: 30_000 },
    );
    expectInternal(
      child.status === 0 && child.stdout === '["os","pg"]',
      iitm,
      `register('import-in-the-middle/hook.mjs', parent, { data: { include: ['os', 'pg'] } }) should hook exactly os and pg of os, path, pg (exit ${child.status}, hooked ${child.stdout || '(nothing)'}, stderr ${
        child.stderr
          .split('\n')
          .find((line) => /Error/.test(line))
          ?.trim() ?? child.stderr.trim()
      })`,
    );
  });

  it('7. @opentelemetry/exporter-prometheus: PrometheusExporter metricProducers; PrometheusSerializer positional arguments (the reference of exposition.spec.ts)', async () => {
    const prometheus = '@opentelemetry/exporter-prometheus';
    const serializerUse: Reliance = {
      pkg: prometheus,
      file: 'libs/observability/src/metrics/exposition.spec.ts (its byte-for-byte reference for text 0.0.4)',
    };
    const producerUse: Reliance = {
      pkg: prometheus,
      file: 'libs/observability/src/sdk/metric-pipeline.ts (with core/metric-tallies.ts)',
    };
    const now = hrTime();
    const producer: MetricProducer = {
      collect: () =>
        Promise.resolve({
          resourceMetrics: {
            resource: emptyResource(),
            scopeMetrics: [
              {
                scope: { name: 'internals-probe', version: '1.0.0' },
                metrics: [
                  {
                    descriptor: {
                      name: 'prs_probe_total',
                      description: 'Probe',
                      unit: '',
                      valueType: ValueType.DOUBLE,
                    },
                    aggregationTemporality: AggregationTemporality.CUMULATIVE,
                    dataPointType: DataPointType.SUM,
                    isMonotonic: true,
                    dataPoints: [
                      {
                        startTime: now,
                        endTime: now,
                        attributes: { kind: 'a' },
                        value: 3,
                      },
                    ],
                  },
                ],
              },
            ],
          },
          errors: [],
        }),
    };
    // Exactly as metric-pipeline.ts builds it.
    const exporter = new PrometheusExporter({
      preventServerStart: true,
      withoutScopeInfo: true,
      withoutTargetInfo: true,
      metricProducers: [producer],
    });
    const provider = new MeterProvider({
      resource: resourceFromAttributes({
        'service.name': 'internals-probe',
        'process.command_line': 'node --secret=hunter2 main.js',
      }),
      readers: [exporter],
    });
    provider.getMeter('app').createCounter('prs_sdk_probe').add(1);
    try {
      const { resourceMetrics } = await exporter.collect();
      // As exposition.spec.ts constructs its reference: no prefix, no timestamps, no
      // resource labels, no target_info, no otel_scope_* labels.
      const text = new PrometheusSerializer(
        undefined,
        false,
        undefined,
        true,
        true,
      ).serialize(resourceMetrics);
      expectInternal(
        text.includes('prs_probe_total{kind="a"} 3'),
        producerUse,
        `PrometheusExporter no longer collects the metricProducers option's metrics (serialized: ${show(text)})`,
      );
      expectInternal(
        !text.includes('otel_scope_') && !text.includes('target_info'),
        serializerUse,
        `new PrometheusSerializer(undefined, false, undefined, true, true) now writes otel_scope_* labels or target_info (the positional arguments changed meaning; serialized: ${show(text)})`,
      );
      // Control: without those arguments both appear, so the check above is not vacuous.
      const defaults = new PrometheusSerializer().serialize(resourceMetrics);
      expectInternal(
        defaults.includes('otel_scope_name') &&
          defaults.includes('target_info'),
        serializerUse,
        `new PrometheusSerializer() no longer writes otel_scope_* labels and target_info by default, so the positional arguments' meaning may have changed (serialized: ${show(defaults)})`,
      );
    } finally {
      await provider.shutdown();
    }
  });

  it('8. @opentelemetry/otlp-exporter-base ./node-http and @opentelemetry/otlp-transformer for metrics: METRICS options, MetricsExporterMetricsHelper, metrics response decoders', () => {
    const file = 'libs/observability/src/sdk/otlp/otlp-metric-exporter.ts';
    const base: Reliance = { pkg: '@opentelemetry/otlp-exporter-base', file };
    const transformer: Reliance = {
      pkg: '@opentelemetry/otlp-transformer',
      file,
    };
    const { convertLegacyHttpOptions, createOtlpHttpExportDelegate } =
      createRequire(join(SRC, 'sdk', 'otlp', 'otlp-metric-exporter.ts'))(
        '@opentelemetry/otlp-exporter-base/node-http',
      ) as NodeHttpEntry;
    const url = 'http://127.0.0.1:4318/v1/metrics';
    const options = convertLegacyHttpOptions({ url }, 'METRICS', 'v1/metrics', {
      'Content-Type': 'application/x-protobuf',
    });
    expectInternal(
      options?.url === url && typeof options.agentFactory === 'function',
      base,
      `convertLegacyHttpOptions(config, 'METRICS', 'v1/metrics', requiredHeaders) no longer returns a node-http configuration with the url and an agentFactory (got ${show(options)})`,
    );
    const delegate = createOtlpHttpExportDelegate(
      options,
      ProtobufMetricsSerializer,
      'otlp_http_metric_exporter',
      MetricsExporterMetricsHelper,
      undefined,
    );
    expectInternal(
      typeof delegate?.export === 'function',
      base,
      `createOtlpHttpExportDelegate with MetricsExporterMetricsHelper no longer returns an export delegate (got ${show(delegate)})`,
    );
    void delegate.shutdown();
    expectInternal(
      typeof MetricsExporterMetricsHelper?.countItems === 'function',
      transformer,
      'MetricsExporterMetricsHelper (the exporter-metrics helper handed to createOtlpHttpExportDelegate) is gone',
    );
    // ExportMetricsServiceResponse.partial_success = 1 { rejected_data_points = 1, error_message = 2 }.
    const text = Buffer.from('too many');
    const inner = Buffer.concat([
      Buffer.from([0x08, 4, 0x12, text.length]),
      text,
    ]);
    const partial = Buffer.concat([Buffer.from([0x0a, inner.length]), inner]);
    const decoded = ProtobufMetricsSerializer.deserializeResponse(partial);
    expectInternal(
      Number(decoded?.partialSuccess?.rejectedDataPoints) === 4 &&
        decoded?.partialSuccess?.errorMessage === 'too many',
      transformer,
      `ProtobufMetricsSerializer.deserializeResponse no longer decodes partial_success {rejected_data_points: 4, error_message} (got ${show(decoded)})`,
    );
    const json = JsonMetricsSerializer.deserializeResponse(
      Buffer.from(
        JSON.stringify({
          partialSuccess: { rejectedDataPoints: '4', errorMessage: 'too many' },
        }),
      ),
    );
    expectInternal(
      Number(json?.partialSuccess?.rejectedDataPoints) === 4,
      transformer,
      `JsonMetricsSerializer.deserializeResponse no longer decodes a partialSuccess (got ${show(json)})`,
    );
  });
});
