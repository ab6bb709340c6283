import {
  diag,
  type DiagLogger,
  DiagLogLevel,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
} from '@opentelemetry/api';
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanLimits,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { LeanSpan } from './lean-span';
import { spanPipelineOf, startLeanSpan } from './span-pipeline';

const PARENT = trace.setSpanContext(ROOT_CONTEXT, {
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  traceFlags: TraceFlags.SAMPLED,
  isRemote: true,
});
const LINKED = { ...trace.getSpanContext(PARENT)!, spanId: '00f067aa0ba902b7' };

/** Everything a user can do to a span, including what the limits and validation refuse. */
function script(span: Span, start: number, error: Error): void {
  span.setAttribute('greeting', 'hello world');
  span.setAttribute('', 'empty key');
  span.setAttribute('object', {});
  span.setAttribute('skipped', undefined);
  span.setAttributes({ count: 3, list: [1, 2], flag: true, more: 'x' });
  span.addEvent('with attributes', {
    k: 'a long value',
    n: 1,
    nested: { x: 1 },
  });
  span.addEvent('at a time', start + 1);
  span.addEvent('attributes and time', { k: 'v' }, start + 2);
  span.addEvent('no attributes');
  span.recordException(error);
  span.recordException('as a string');
  span.recordException({} as never);
  span.addLink({
    context: LINKED,
    attributes: { why: 'retry', n: 2, bad: {} },
  });
  span.addLinks([
    { context: LINKED },
    { context: LINKED, attributes: { a: 'b' } },
  ]);
  span.setStatus({ code: SpanStatusCode.ERROR, message: 42 as never });
  span.setStatus({ code: SpanStatusCode.UNSET });
  span.setStatus({ code: SpanStatusCode.ERROR, message: 'failed' });
  span.updateName('renamed');
  span.end(start + 10);
  span.setAttribute('late', 1);
  span.addEvent('late');
  span.end();
}

/** What an exporter reads, times relative to the span's start (ms). */
function exported(span: ReadableSpan) {
  const start = hrTimeToMilliseconds(span.startTime);
  return {
    name: span.name,
    kind: span.kind,
    parent: span.parentSpanContext,
    attributes: span.attributes,
    droppedAttributesCount: span.droppedAttributesCount,
    // Events added without a time are stamped "now", which differs between two runs.
    events: span.events.map((e) => ({
      ...e,
      time: e.name.includes('time')
        ? Math.round(hrTimeToMilliseconds(e.time) - start)
        : 'now',
    })),
    droppedEventsCount: span.droppedEventsCount,
    links: span.links,
    droppedLinksCount: span.droppedLinksCount,
    status: span.status,
    duration: Math.round(hrTimeToMilliseconds(span.duration)),
    ended: span.ended,
    resource: span.resource,
    scope: span.instrumentationScope,
  };
}

function recordDiag(): { messages: string[]; restore: () => void } {
  const messages: string[] = [];
  const log = (message: string) =>
    messages.push(
      message.replace(
        /[0-9a-f]{32}-[0-9a-f]{16}|traceId: \w+, spanId: \w+/g,
        'IDS',
      ),
    );
  const logger: DiagLogger = {
    error: log,
    warn: log,
    info: log,
    debug: log,
    verbose: log,
  };
  diag.setLogger(logger, {
    logLevel: DiagLogLevel.ALL,
    suppressOverrideMessage: true,
  });
  return { messages, restore: () => diag.disable() };
}

const LIMITS: [string, SpanLimits][] = [
  ['the default limits', {}],
  [
    'tight limits',
    {
      attributeCountLimit: 3,
      attributeValueLengthLimit: 5,
      eventCountLimit: 2,
      linkCountLimit: 1,
      attributePerEventCountLimit: 1,
      attributePerLinkCountLimit: 1,
    },
  ],
];

describe.each(LIMITS)(
  'LeanSpan against OpenTelemetry’s span, with %s',
  (_, spanLimits) => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({
      spanLimits,
      spanProcessors: [new SimpleSpanProcessor({ exporter })],
    });
    const tracer = provider.getTracer('lean-span.spec', '1.0.0');
    const pipeline = spanPipelineOf(tracer)!;
    afterEach(() => exporter.reset());
    afterAll(() => provider.shutdown());

    it('reads the pipeline off the SDK tracer', () => {
      expect(pipeline).toBeDefined();
      expect(spanPipelineOf(trace.wrapSpanContext(LINKED))).toBeUndefined();
      expect(spanPipelineOf(undefined)).toBeUndefined();
    });

    it('exports what the same calls export on OpenTelemetry’s span, and warns alike', () => {
      const start = performance.now() - 20;
      const error = new TypeError('boom');
      const theirsDiag = recordDiag();
      script(
        tracer.startSpan(
          'op',
          { kind: SpanKind.SERVER, startTime: start },
          PARENT,
        ),
        start,
        error,
      );
      theirsDiag.restore();
      const oursDiag = recordDiag();
      const ours = startLeanSpan(
        pipeline,
        'op',
        SpanKind.SERVER,
        PARENT,
        start,
      );
      script(ours, start, error);
      oursDiag.restore();
      expect(ours).toBeInstanceOf(LeanSpan);
      const [theirs, lean] = exporter.getFinishedSpans();
      expect(exported(lean!)).toEqual(exported(theirs!));
      expect(lean!.spanContext()).toMatchObject({
        traceId: '0af7651916cd43dd8448eb211c80319c',
        traceFlags: TraceFlags.SAMPLED,
      });
      expect(oursDiag.messages).toEqual(theirsDiag.messages);
      // Started from the same `performance.now()` instant: the same wall-clock start, give
      // or take the millisecond both read Date.now() at.
      expect(
        Math.abs(
          hrTimeToMilliseconds(lean!.startTime) -
            hrTimeToMilliseconds(theirs!.startTime),
        ),
      ).toBeLessThanOrEqual(1);
    });

    it('times a span started now and ended later like OpenTelemetry does', async () => {
      const before = performance.now();
      const theirs = tracer.startSpan('op', {}, PARENT);
      const ours = startLeanSpan(pipeline, 'op', SpanKind.INTERNAL, PARENT);
      const started = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 30));
      const ending = performance.now();
      theirs.end();
      ours.end();
      const after = performance.now();
      const [a, b] = exporter
        .getFinishedSpans()
        .map((s) => hrTimeToMilliseconds(s.duration));
      // Both ran from between `before` and `started` to between `ending` and `after`.
      for (const duration of [a!, b!]) {
        expect(duration).toBeGreaterThanOrEqual(ending - started - 0.001);
        expect(duration).toBeLessThanOrEqual(after - before + 0.001);
      }
    });
  },
);
