import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { scrape, valueOf } from './support/exposition';
import {
  ADAPTERS,
  REPO_ROOT,
  type RunningFixture,
  startFixture,
} from './support/fixture-process';
import { hammer } from './support/http';
import {
  type LogLine,
  parseLines,
  waitForLine,
} from './support/logging-fixture';
import { freePort } from './support/prometheus-server';
import { decodeOtlpBody } from './support/trace-receivers/otlp-decode';

const DIAGNOSTICS_MAIN = join(
  REPO_ROOT,
  'dist',
  'test',
  'fixtures',
  'diagnostics',
  'main.js',
);

type CollectorMode =
  | { status: number; body?: Buffer }
  | { hold: true }
  | { accept: true; body: Buffer };

/** A loopback OTLP collector whose answer the test switches; counts the server spans it accepted. */
async function startCollector(
  port: number,
  initial: CollectorMode,
): Promise<{
  setMode: (mode: CollectorMode) => void;
  accepted: () => number;
  close: () => Promise<void>;
}> {
  let mode = initial;
  let accepted = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer(
    (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if ('hold' in mode) return;
        if ('accept' in mode) {
          const type = (req.headers['content-type'] ?? '').split(';')[0]!;
          accepted += decodeOtlpBody(Buffer.concat(chunks), type).spans.filter(
            (span) => span.kind === 'server',
          ).length;
          res.writeHead(200, { 'content-type': 'application/x-protobuf' });
          res.end(mode.body);
          return;
        }
        res.writeHead(mode.status, { 'content-type': 'text/plain' });
        res.end(mode.body ?? 'injected failure');
      });
    },
  );
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) =>
    server.listen(port, '127.0.0.1', resolve),
  );
  return {
    setMode: (next) => (mode = next),
    accepted: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function startDiagnosticsFixture(
  adapter: (typeof ADAPTERS)[number],
  env: Record<string, string>,
): Promise<RunningFixture> {
  return startFixture({ adapter, entry: DIAGNOSTICS_MAIN, env });
}

const lines = (app: RunningFixture): LogLine[] => parseLines(app.stdout());
const exportWarnings = (app: RunningFixture) =>
  lines(app).filter(
    (l) => l.level === 'WARNING' && l.message.includes('Exporting spans'),
  );
/** The failure kind a warning names: `Exporting spans to ... failed (<kind>); ...`. */
const kindOf = (line: LogLine) =>
  / failed \((.+?)\); \d+ spans/.exec(line.message)?.[1];
/** Keys of a line that would describe a request: ids of its trace, span, request or user. */
const requestKeys = (line: LogLine): string[] =>
  Object.keys(line).filter((key) =>
    /trace|span|correlation|request|user|client_ip/i.test(key),
  );
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(ADAPTERS)('diagnostics on %s', (adapter) => {
  let app: RunningFixture | undefined;
  let collector: Awaited<ReturnType<typeof startCollector>> | undefined;

  afterEach(async () => {
    await app?.stop();
    await collector?.close();
    app = undefined;
    collector = undefined;
  });

  it('one warning line per cause: refused, 4xx, 5xx and timeout give 4 distinct lines, repeats give none, none carries a trace_id or correlation_id', async () => {
    const port = await freePort();
    app = await startDiagnosticsFixture(adapter, {
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${port}/v1/traces`,
      OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '500',
      OTEL_BSP_SCHEDULE_DELAY: '50',
    });
    const running = app;
    // Each cause gets two rounds of requests, so two failed exports.
    const provoke = async (kind: string) => {
      for (let round = 0; round < 2; round++) {
        expect(
          await hammer(running.url(''), 10, (i) => `/api/diag/items/${i}`, 5),
        ).toEqual(new Map([[200, 10]]));
        await waitForLine(
          () => lines(running),
          (l) => kindOf(l) === kind,
          15_000,
        ).catch((error: Error) => {
          const seen = exportWarnings(running).map((l) => l.message);
          throw new Error(
            `${error.message}: "${kind}" (seen: ${seen.join(' | ')})`,
          );
        });
        await sleep(700); // past the 500 ms request deadline: the round's export has ended
      }
    };

    await provoke('connection refused'); // nothing listens on the port yet
    collector = await startCollector(port, { status: 400 });
    await provoke('HTTP 4xx (400)');
    collector.setMode({ status: 500 });
    await provoke('HTTP 5xx (500)');
    collector.setMode({ hold: true });
    await provoke('timeout');

    const warnings = exportWarnings(app);
    const perKind = new Map<string, number>();
    for (const line of warnings)
      perKind.set(kindOf(line)!, (perKind.get(kindOf(line)!) ?? 0) + 1);
    expect(perKind).toEqual(
      new Map([
        ['connection refused', 1],
        ['HTTP 4xx (400)', 1],
        ['HTTP 5xx (500)', 1],
        ['timeout', 1],
      ]),
    );
    for (const line of warnings) {
      expect(line.message).toMatch(
        /^Exporting spans to http:\/\/127\.0\.0\.1:\d+\/v1\/traces failed \(.+?\); \d+ spans were dropped/,
      );
      expect(line.trace_id).toBeUndefined();
      expect(line.correlation_id).toBeUndefined();
      expect(requestKeys(line)).toEqual([]);
    }
    // The request lines of the same requests do carry them: the context was there to leak.
    expect(
      lines(app).some(
        (l) => l.trace_id !== undefined && l.correlation_id !== undefined,
      ),
    ).toBe(true);
  });

  it('undeclared event types: 20,000 calls over 10,000 types give at most 1,001 lines (1,000 types named once, one summary), none on a repeat, none with request ids; the decorator classifies 500 of 500 calls', async () => {
    app = await startDiagnosticsFixture(adapter, {
      OTEL_TRACES_EXPORTER: 'none',
    });
    const undeclared = () =>
      lines(app!).filter(
        (l) => l.level === 'WARNING' && l.message.includes('is not declared'),
      );
    const call = async () => {
      const res = await fetch(
        app!.url('/api/diag/events?calls=20000&types=10000'),
      );
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    };
    await call();
    await sleep(300);
    const first = undeclared();
    const named = first.map(
      (l) => /Business event type "([^"]+)"/.exec(l.message)?.[1],
    );
    expect(first.length).toBeGreaterThanOrEqual(1_000);
    expect(first.length).toBeLessThanOrEqual(1_001);
    expect(new Set(named).size).toBe(first.length); // no type named twice
    for (const line of first) {
      expect(line.correlation_id).toBeUndefined();
      expect(line.trace_id).toBeUndefined();
    }
    await call();
    await sleep(300);
    expect(undeclared().length).toBe(first.length);

    const tracked = await fetch(app.url('/api/diag/tracked?calls=500'));
    expect(await tracked.json()).toEqual({ result: 'ok', classified: 500 });
  });

  it('with the SDK disabled the decorator does no work: classify runs 0 times in 500 calls, the method still answers', async () => {
    app = await startDiagnosticsFixture(adapter, { OTEL_SDK_DISABLED: 'true' });
    const res = await fetch(app.url('/api/diag/tracked?calls=500'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ result: 'ok', classified: 0 });
  });
});

describe('a successful export with a large response body', () => {
  let app: RunningFixture | undefined;
  let collector: Awaited<ReturnType<typeof startCollector>> | undefined;

  afterEach(async () => {
    await app?.stop();
    await collector?.close();
    app = undefined;
    collector = undefined;
  });

  // 5 MB is past OpenTelemetry's 4 MB response-body limit, where the transport reports a
  // failure although the collector accepted the spans (600 counted as dropped before).
  it.each([1, 5])(
    'a 200 with a %i MB body counts 0 dropped spans and logs no export warning (300 of 300 spans delivered)',
    async (megabytes) => {
      const port = await freePort();
      collector = await startCollector(port, {
        accept: true,
        body: Buffer.alloc(megabytes * 1024 * 1024, 'x'),
      });
      app = await startDiagnosticsFixture('express', {
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${port}/v1/traces`,
        OTEL_BSP_SCHEDULE_DELAY: '50',
      });
      expect(
        await hammer(app.url(''), 300, (i) => `/api/diag/items/${i}`, 8),
      ).toEqual(new Map([[200, 300]]));
      for (let i = 0; i < 100 && collector.accepted() < 300; i++)
        await sleep(100);
      expect(collector.accepted()).toBe(300);
      const exposition = await scrape(app.url('/metrics'));
      expect(
        valueOf(exposition, 'prs_telemetry_spans_dropped_total', {}) ?? 0,
      ).toBe(0);
      expect(exportWarnings(app)).toEqual([]);
    },
  );
});
