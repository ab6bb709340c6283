import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ADAPTERS } from './support/fixture-process';
import {
  type OtlpReceiver,
  startOtlpReceiver,
} from './support/trace-receivers';
import {
  type LogLine,
  type LoggingFixture,
  startLoggingFixture,
} from './support/logging-fixture';

const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const UUID =
  /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const requestLine = (id: string) => (line: LogLine) =>
  line.logger === 'http' && line.correlation_id === id;

describe.each(ADAPTERS)('structured logs on %s', (adapter) => {
  let app: LoggingFixture;

  let receiver: OtlpReceiver;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    app = await startLoggingFixture(
      adapter,
      {},
      {
        traces: true,
        env: {
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${receiver.port}/v1/traces`,
        },
      },
    );
  });
  afterAll(async () => {
    await app.stop();
    await receiver.close();
  });

  it('writes framework logs as JSON from the first bootstrap line', () => {
    const lines = app.lines();
    expect(lines[0]).toMatchObject({
      level: 'INFO',
      logger: 'NestFactory',
      message: 'Starting Nest application...',
    });
    for (const line of lines) {
      expect(line.timestamp).toMatch(ISO_UTC);
      expect(typeof line.level).toBe('string');
      expect(typeof line.logger).toBe('string');
      expect(typeof line.message).toBe('string');
    }
    expect(lines.map((l) => l.logger)).toEqual(
      expect.arrayContaining([
        'InstanceLoader',
        'RouterExplorer',
        'NestApplication',
      ]),
    );
    expect(app.stderr()).toBe('');
  });

  it('logs the request with its fields, joined to the server span and the caller id', async () => {
    const id = `corr-${adapter}-1`;
    const res = await fetch(app.url('/api/items/7?x=1'), {
      headers: { 'X-Correlation-ID': id, 'User-Agent': 'e2e-agent/1.0' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-correlation-id')).toBe(id);
    expect(await res.json()).toEqual({ id: '7', correlationId: id });
    const traceId = res.headers.get('x-trace-id');
    const serverSpanId = res.headers.get('traceresponse')?.split('-')[2];
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);

    const line = await app.waitFor(requestLine(id));
    expect(line).toMatchObject({
      level: 'INFO',
      logger: 'http',
      message: 'GET /api/items/:id 200',
      correlation_id: id,
      trace_id: traceId,
      span_id: serverSpanId,
      request: {
        method: 'GET',
        path: '/api/items/7',
        route: '/api/items/:id',
        query: 'x=1',
        status: 200,
        user: null,
        ip: '127.0.0.1',
        user_agent: 'e2e-agent/1.0',
      },
    });
    expect(line.timestamp).toMatch(ISO_UTC);
    expect(line.request?.duration_ms).toEqual(expect.any(Number));

    // The server span carries the correlation id as an attribute.
    const [serverSpan] = (
      await receiver.waitForSpans(
        (spans) => spans.some((sp) => sp.spanId === serverSpanId),
        10_000,
      )
    ).filter((sp) => sp.spanId === serverSpanId);
    expect(serverSpan).toMatchObject({
      kind: 'server',
      traceId,
      attributes: { correlation_id: id },
    });
    // The line's duration is the span's, to the line's microsecond: both end at the
    // instant the response closed.
    const spanMs =
      Number(serverSpan!.endTimeUnixNano - serverSpan!.startTimeUnixNano) / 1e6;
    expect(
      Math.abs(spanMs - Number(line.request?.duration_ms)),
    ).toBeLessThanOrEqual(0.001);

    // A line logged inside the handler carries the same ids (its span is a child).
    const inHandler = app
      .lines()
      .find((l) => l.logger === 'Items' && l.correlation_id === id);
    expect(inHandler).toMatchObject({
      message: 'loading item 1',
      trace_id: traceId,
    });
    expect(inHandler?.span_id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('generates an id when none is sent and accepts X-Request-ID', async () => {
    const generated = await fetch(app.url('/api/items/8'));
    const id = generated.headers.get('x-correlation-id') ?? '';
    expect(id).toMatch(UUID);
    expect(await generated.json()).toEqual({ id: '8', correlationId: id });
    await app.waitFor(requestLine(id));

    const viaRequestId = await fetch(app.url('/api/items/9'), {
      headers: { 'X-Request-ID': 'req.9:abc_DEF-1' },
    });
    expect(viaRequestId.headers.get('x-correlation-id')).toBe(
      'req.9:abc_DEF-1',
    );
  });

  it('keeps the request context through body parsing', async () => {
    const id = `corr-${adapter}-post`;
    const res = await fetch(app.url('/api/items'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-correlation-id': id },
      body: JSON.stringify({ name: 'desk', password: 'hunter2' }),
    });
    expect(res.status).toBe(201);
    const line = await app.waitFor(
      (l) => l.message === 'creating item' && l.correlation_id === id,
    );
    expect(line.body).toEqual({ name: 'desk', password: '[REDACTED]' });
    expect(line.trace_id).toBe(res.headers.get('x-trace-id'));
  });

  it('reports the user set through RequestContext.setUser()', async () => {
    const res = await fetch(app.url('/api/auth/me'), {
      headers: { 'x-correlation-id': `me-${adapter}` },
    });
    expect(res.status).toBe(200);
    const line = await app.waitFor(requestLine(`me-${adapter}`));
    expect(line.request).toMatchObject({
      user: 'user-42',
      route: '/api/auth/me',
    });
  });

  it("reads request.user.id set by a Passport-style guard on the framework's request", async () => {
    await fetch(app.url('/api/auth/passport'), {
      headers: { 'x-correlation-id': `pp-${adapter}` },
    });
    expect(
      (await app.waitFor(requestLine(`pp-${adapter}`))).request?.user,
    ).toBe('passport-7');
  });

  it('writes WARNING for 4xx (unmatched routes included) and ERROR for 5xx', async () => {
    await fetch(app.url('/no/such/route'), {
      headers: { 'x-correlation-id': `nf-${adapter}` },
    });
    await fetch(app.url('/api/debug/crash?m=boom'), {
      headers: { 'x-correlation-id': `5xx-${adapter}` },
    });
    expect(await app.waitFor(requestLine(`nf-${adapter}`))).toMatchObject({
      level: 'WARNING',
      request: { status: 404, route: 'unmatched', path: '/no/such/route' },
    });
    expect(await app.waitFor(requestLine(`5xx-${adapter}`))).toMatchObject({
      level: 'ERROR',
      request: { status: 500, route: '/api/debug/crash' },
    });
    const exception = app
      .lines()
      .find(
        (l) =>
          l.logger === 'ExceptionsHandler' &&
          l.correlation_id === `5xx-${adapter}`,
      );
    expect(exception).toMatchObject({ level: 'ERROR', message: 'boom' });
    expect(JSON.stringify(exception?.error)).toContain('DebugController.crash');
  });

  it('ignores X-Forwarded-For unless a proxy is trusted', async () => {
    await fetch(app.url('/api/items/1'), {
      headers: {
        'x-correlation-id': `xff-${adapter}`,
        'x-forwarded-for': '203.0.113.9',
      },
    });
    expect((await app.waitFor(requestLine(`xff-${adapter}`))).request?.ip).toBe(
      '127.0.0.1',
    );
  });

  describe('outbound calls', () => {
    let echo: Server;
    beforeAll(async () => {
      echo = createServer((req, res) => res.end(JSON.stringify(req.headers)));
      await new Promise<void>((resolve) =>
        echo.listen(0, '127.0.0.1', resolve),
      );
    });
    afterAll(() => new Promise<void>((resolve) => echo.close(() => resolve())));

    it('carry the correlation id over http and fetch', async () => {
      const { port } = echo.address() as AddressInfo;
      const id = `out-${adapter}`;
      const res = await fetch(app.url(`/api/debug/outbound?port=${port}`), {
        headers: { 'x-correlation-id': id },
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        http: Record<string, string>;
        fetch: Record<string, string>;
      };
      expect(body.http['x-correlation-id']).toBe(id);
      expect(body.fetch['x-correlation-id']).toBe(id);
    });
  });
});

// Without a span exporter nothing binds the request's emitters to a context (the http
// instrumentation skips incoming requests then): the correlation id must still reach a
// handler that runs after the body was read, and the request line must still be written.
describe.each(ADAPTERS)('structured logs without tracing on %s', (adapter) => {
  let app: LoggingFixture;

  beforeAll(async () => {
    app = await startLoggingFixture(adapter);
  });
  afterAll(() => app?.stop());

  it('keeps the request context through body parsing', async () => {
    const id = `corr-${adapter}-untraced-post`;
    const res = await fetch(app.url('/api/items'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-correlation-id': id },
      body: JSON.stringify({ name: 'desk', password: 'hunter2' }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-correlation-id')).toBe(id);
    expect(res.headers.get('x-trace-id')).toBeNull();
    const line = await app.waitFor(
      (l) => l.message === 'creating item' && l.correlation_id === id,
    );
    expect(line.body).toEqual({ name: 'desk', password: '[REDACTED]' });
    expect(line.trace_id).toBeUndefined();
    await app.waitFor(requestLine(id));
  });
});
