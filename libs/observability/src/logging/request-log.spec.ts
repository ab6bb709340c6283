import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { RateLimitedLogger } from '../core/rate-limited-logger';
import { requestStorage, type RequestStore } from '../core/request-context';
import { defaultUserId } from './logging-defaults';
import { LogPipeline, type WriteLevel } from './log-pipeline';
import { ABORTED_STATUS, milliseconds, RequestLog } from './request-log';
import { resolveLoggingOptions } from './validate-logging-options';

const storage = requestStorage();
const HOSTILE =
  'q"uo\\te \u0000\u001f\n\t ctl é 日本 😀 lone \ud800 \udc00 sep\u2028\u2029 </script>';

/**
 * The request line as the SDK wrote it before it serialized the line itself: the
 * same fields, handed to pino. RequestLog's own line must equal it byte for byte.
 */
function pinoRequestLine(
  pipeline: LogPipeline,
  store: RequestStore,
  route: string,
): void {
  const req = store.req!;
  const res = store.res!;
  const r = pipeline.redactor;
  const finished = res.writableFinished;
  const status = finished ? res.statusCode : ABORTED_STATUS;
  const level: WriteLevel =
    status >= 500 ? 'error' : status >= 400 || !finished ? 'warn' : 'info';
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const method = r.text(req.method ?? 'UNKNOWN');
  const userAgent = req.headers['user-agent'];
  const user = store.user ?? defaultUserId(req);
  const request: Record<string, unknown> = {
    method,
    path: r.text(q === -1 ? url : url.slice(0, q)),
    route,
    status,
    duration_ms: Math.round((performance.now() - store.start) * 1000) / 1000,
    user: user === undefined ? null : String(user),
    ip:
      pipeline.clientIp(store.remoteAddress, req.headers['x-forwarded-for']) ??
      null,
    user_agent: userAgent === undefined ? null : r.text(userAgent),
  };
  if (q !== -1) request.query = r.query(url.slice(q + 1));
  if (!finished) request.aborted = true;
  const fields: Record<string, unknown> = {
    logger: 'http',
    correlation_id: store.correlationId,
    request,
  };
  if (store.handler !== undefined) {
    fields.module = store.handler.controller;
    fields.function = `${store.handler.controller}.${store.handler.method}`;
  }
  if (store.traceId !== undefined) {
    fields.trace_id = store.traceId;
    fields.span_id = store.spanId;
  }
  pipeline.write(level, fields, `${method} ${route} ${status}`);
}

function storeOf(
  url: string,
  headers: Record<string, string>,
  response: { statusCode: number; writableFinished: boolean },
  extra: Partial<RequestStore> = {},
): RequestStore {
  return {
    correlationId: 'c-1',
    outboundHeader: 'x-correlation-id',
    traceId: undefined,
    spanId: undefined,
    req: { url, method: 'GET', headers } as unknown as IncomingMessage,
    res: response as unknown as ServerResponse,
    start: performance.now() - 12.3456,
    remoteAddress: '10.1.2.3',
    user: undefined,
    ...extra,
  };
}

describe('RequestLog', () => {
  beforeAll(() =>
    context.setGlobalContextManager(
      new AsyncLocalStorageContextManager().enable(),
    ),
  );
  afterAll(() => context.disable());
  let dir: string;
  let pipeline: LogPipeline;
  let requestLog: RequestLog;
  const lines = (name: string) =>
    readFileSync(join(dir, name), 'utf8')
      .split('\n')
      .filter(Boolean)
      // pino's and ours are written a moment apart; everything else must be equal
      .map((l) =>
        l
          .replace(/"timestamp":"[^"]+"/, '"timestamp":"T"')
          .replace(/"duration_ms":\d+\.?\d*,/, '"duration_ms":1,'),
      );

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'prs-request-log-'));
    const options = resolveLoggingOptions(
      {
        stdout: false,
        trustProxy: true,
        files: { main: join(dir, 'app.log'), error: join(dir, 'errors.log') },
      },
      [],
    );
    pipeline = new LogPipeline(
      options,
      () => undefined,
      undefined,
      'https://jaeger.example',
    );
    requestLog = new RequestLog(
      pipeline,
      defaultUserId,
      new RateLimitedLogger(),
    );
  });
  afterEach(() => {
    pipeline.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const cases: [string, RequestStore, string][] = [
    [
      'a plain request',
      storeOf(
        '/api/items/1',
        { 'user-agent': 'curl/8' },
        {
          statusCode: 200,
          writableFinished: true,
        },
      ),
      '/api/items/:id',
    ],
    [
      'hostile path, query, user agent, forwarded ip and user',
      storeOf(
        `/api/%22%E2%80%A8%ZZ/${HOSTILE}?token=s3cret&q=${HOSTILE}&next=a%3Ftoken%3Dx`,
        {
          'user-agent': `${HOSTILE}${'x'.repeat(5000)}`,
          'x-forwarded-for': `${HOSTILE}, 203.0.113.9`,
        },
        { statusCode: 404, writableFinished: true },
        { user: HOSTILE, handler: { controller: 'C"1', method: 'm\u2028' } },
      ),
      `/api/${HOSTILE}`,
    ],
    [
      'a traced 5xx (trace_url) with a handler',
      storeOf(
        '/api/fail',
        {},
        { statusCode: 503, writableFinished: true },
        {
          traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
          spanId: '00f067aa0ba902b7',
          handler: { controller: 'ItemsController', method: 'fail' },
        },
      ),
      '/api/fail',
    ],
    [
      'an aborted request',
      storeOf('/api/slow?', {}, { statusCode: 200, writableFinished: false }),
      '/api/slow',
    ],
  ];

  it.each(cases)(
    'writes %s byte for byte as pino did, outside and inside a request context',
    (_, store, route) => {
      const both = () => {
        pinoRequestLine(pipeline, store, route);
        requestLog.write(store, route);
      };
      both();
      // The active request's context comes first in every line (pino's mixin).
      storage.run(
        { ...store, correlationId: 'outer', traceId: 'aa', spanId: 'bb' },
        both,
      );
      storage.run(store, both);
      // An active span: the request's own, another valid one, an invalid one.
      for (const span of [
        { traceId: store.traceId ?? 'ab'.repeat(16), spanId: 'cd'.repeat(8) },
        {
          traceId: '0af7651916cd43dd8448eb211c80319c',
          spanId: 'b7ad6b7169203331',
        },
        { traceId: '0'.repeat(32), spanId: '0'.repeat(16) },
      ]) {
        const active = trace.setSpanContext(context.active(), {
          ...span,
          traceFlags: TraceFlags.SAMPLED,
        });
        context.with(active, both);
        context.with(active, () => storage.run(store, both));
        context.with(active, () =>
          storage.run(
            { ...store, traceId: span.traceId, spanId: span.spanId },
            both,
          ),
        );
      }
      pipeline.flushSync();
      const main = lines('app.log');
      expect(main).toHaveLength(24);
      for (let i = 0; i < main.length; i += 2) {
        expect(main[i + 1]).toBe(main[i]);
        expect(main[i]).not.toMatch(/[\u2028\u2029]/);
        JSON.parse(main[i]!);
      }
      const errors = store.res!.statusCode >= 500 ? 24 : 0;
      expect(errors ? lines('errors.log') : []).toHaveLength(errors);
    },
  );
});

describe('milliseconds', () => {
  it('writes a duration exactly as String(Math.round(ms * 1000) / 1000)', () => {
    const elapsed = [
      ...Array.from({ length: 200_000 }, (_, micros) => micros / 1000),
      ...Array.from({ length: 100_000 }, () => Math.random() * 2 ** 31),
      ...[-0, -0.0004, -5, 0.0005, 1073741.823, 1073741.824, 1e12, 1e300],
    ];
    const differing = elapsed.filter(
      (ms) => milliseconds(ms) !== String(Math.round(ms * 1000) / 1000),
    );
    expect(differing).toEqual([]);
    expect(milliseconds(NaN)).toBe('null');
    expect(milliseconds(Infinity)).toBe('null');
  });
});
