import { ADAPTERS } from './support/fixture-process';
import {
  type LoggingFixture,
  startLoggingFixture,
} from './support/logging-fixture';
import { rawExchange } from './support/raw-http';

const PAYLOADS: Record<string, string> = {
  crlf: 'first\r\nsecond',
  forged: 'x\n{"level":"ERROR","message":"forged line"}',
  separators: 'p\u2028q\u2029r',
  nul: 'n\u0000ul',
  ansi: '\u001b[31mred\u001b[0m\u001b]0;title\u0007',
  quotes: '"\\\'}{',
  unicode: 'caf\u00e9 \u{1f600} \u202e',
};

interface InjectionCase {
  id: string;
  send: (app: LoggingFixture, id: string) => Promise<number>;
  /** Lines this request must produce, given the status it got. */
  lines: (status: number) => number;
}

const viaFetch = (path: string) => async (app: LoggingFixture, id: string) =>
  (await fetch(app.url(path), { headers: { 'x-correlation-id': id } })).status;
const viaRaw = (head: string) => async (app: LoggingFixture, id: string) =>
  (await rawExchange(app.port, `${head}\r\nHost: x\r\nX-Correlation-ID: ${id}`))
    .status;

const CASES: InjectionCase[] = [
  // handler warn line + request line
  ...Object.entries(PAYLOADS).map(([name, text]) => ({
    id: `msg-${name}`,
    send: viaFetch(`/api/debug/echo?m=${encodeURIComponent(text)}`),
    lines: () => 2,
  })),
  // ExceptionsHandler line + request line
  ...Object.entries(PAYLOADS).map(([name, text]) => ({
    id: `exc-${name}`,
    send: viaFetch(`/api/debug/crash?m=${encodeURIComponent(text)}`),
    lines: () => 2,
  })),
  ...['message', 'field', 'exception'].map((kind) => ({
    id: `big-${kind}`,
    send: viaFetch(`/api/debug/big/${kind}`),
    lines: () => 2,
  })),
  // request line only: user agents and raw paths the HTTP parser lets through
  {
    id: 'ua-high-bytes',
    send: viaRaw(
      'GET /nowhere HTTP/1.1\r\nUser-Agent: \u00e2\u0080\u00a8\u00ff\u0085x',
    ),
    lines: () => 1,
  },
  {
    id: 'ua-10k',
    send: viaRaw(`GET /nowhere HTTP/1.1\r\nUser-Agent: ${'u'.repeat(10_240)}`),
    lines: () => 1,
  },
  {
    id: 'path-raw-bytes',
    send: viaRaw('GET /x\u00e2\u0080\u00a8\u00ff HTTP/1.1'),
    lines: (status) => (status === 400 ? 0 : 1),
  },
  {
    id: 'path-encoded',
    send: viaRaw('GET /x%0d%0a%e2%80%a8%00%1b HTTP/1.1'),
    lines: () => 1,
  },
];

describe.each(ADAPTERS)('log injection on %s', (adapter) => {
  let app: LoggingFixture;

  beforeAll(async () => {
    app = await startLoggingFixture(adapter);
  });
  afterAll(() => app.stop());

  it('writes exactly one valid JSON line per event, whatever the input', async () => {
    const statuses = new Map<string, number>();
    for (const c of CASES) {
      statuses.set(c.id, await c.send(app, c.id));
    }
    const last = CASES[CASES.length - 1];
    // The last case always logs; lines of one process arrive in order.
    await app.waitFor(
      (l) => l.logger === 'http' && l.correlation_id === last?.id,
    );

    for (const [id, status] of statuses) {
      const thrown = id.startsWith('exc-') || id === 'big-exception';
      const expected =
        id.startsWith('msg-') || id.startsWith('big-') ? 200 : 404;
      expect({ id, status }).toEqual({
        id,
        status: thrown
          ? 500
          : id === 'path-raw-bytes' && status === 400
            ? 400
            : expected,
      });
    }
    const text = app.stdout();
    const lines = app.lines(); // throws on the first line that is not JSON
    expect(lines).toHaveLength(text.split('\n').length - 1);
    for (const c of CASES) {
      const count = lines.filter((l) => l.correlation_id === c.id).length;
      expect({ id: c.id, count }).toEqual({
        id: c.id,
        count: c.lines(statuses.get(c.id) ?? 0),
      });
    }
    expect(lines.some((l) => l.message === 'forged line')).toBe(false);
    expect(text).not.toMatch(/[\u2028\u2029]/);
  });

  it('keeps the text intact inside the line and caps what is long', () => {
    const lines = app.lines();
    for (const [name, text] of Object.entries(PAYLOADS)) {
      const warn = lines.find(
        (l) => l.correlation_id === `msg-${name}` && l.logger === 'Debug',
      );
      expect(warn?.message).toBe(text);
      const exception = lines.find(
        (l) =>
          l.correlation_id === `exc-${name}` &&
          l.logger === 'ExceptionsHandler',
      );
      expect(exception?.message).toBe(text);
    }
    for (const kind of ['message', 'field', 'exception']) {
      const line = lines.find(
        (l) => l.correlation_id === `big-${kind}` && l.logger !== 'http',
      );
      expect(JSON.stringify(line).length).toBeLessThan(20_000);
      expect(JSON.stringify(line)).toContain('[truncated ');
    }
    const ua = lines.find((l) => l.correlation_id === 'ua-10k');
    expect(String(ua?.request?.user_agent).length).toBeLessThan(4_200);
  });
});
