import { ADAPTERS } from './support/fixture-process';
import {
  type LoggingFixture,
  startLoggingFixture,
} from './support/logging-fixture';
import { rawExchange } from './support/raw-http';

const VALID_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const UUID = '3f2b8c1e-9d4a-4e7b-8a6c-2d1f0e9b7a55';
const MARK = 'SPOOFMARK';

interface SpoofCase {
  name: string;
  /** Raw header lines carrying the id (latin1 bytes). */
  headers: string;
  /** The id the response must echo, or `undefined` for a freshly generated one. */
  kept?: string;
  /** Text that must never appear in a log line or a response header. */
  forbidden: string;
}

const CASES: SpoofCase[] = [
  {
    name: '10 KB id',
    headers: `X-Correlation-ID: ${MARK}${'a'.repeat(10_240)}`,
    forbidden: 'a'.repeat(200),
  },
  {
    name: 'CRLF header injection',
    headers: 'X-Correlation-ID: kept-crlf\r\nSet-Cookie: injected=1',
    kept: 'kept-crlf',
    forbidden: 'injected=1',
  },
  {
    name: 'encoded CRLF',
    headers: `X-Correlation-ID: ${MARK}%0d%0aSet-Cookie:%20injected2=1`,
    forbidden: 'injected2',
  },
  {
    name: 'spaces',
    headers: `X-Correlation-ID: ${MARK} with spaces`,
    forbidden: `${MARK} with`,
  },
  {
    name: 'non-ASCII',
    headers: `X-Correlation-ID: ${MARK}-caf\u00e9-\u00ff`,
    forbidden: `${MARK}-caf`,
  },
  { name: 'empty', headers: 'X-Correlation-ID: ', forbidden: MARK },
  {
    name: 'duplicated header',
    headers: `X-Correlation-ID: ${MARK}-one\r\nX-Correlation-ID: ${MARK}-two`,
    forbidden: `${MARK}-`,
  },
  {
    name: 'quote and semicolon',
    headers: `X-Correlation-ID: ${MARK}";x=1`,
    forbidden: `${MARK}"`,
  },
  {
    name: 'valid UUID',
    headers: `X-Correlation-ID: ${UUID}`,
    kept: UUID,
    forbidden: MARK,
  },
];

describe.each(ADAPTERS)('correlation id spoofing on %s', (adapter) => {
  let app: LoggingFixture;

  beforeAll(async () => {
    app = await startLoggingFixture(adapter);
  });
  afterAll(() => app.stop());

  it.each(CASES)(
    '$name: a clean id, never the raw value',
    async ({ headers, kept, forbidden }) => {
      const res = await rawExchange(
        app.port,
        `GET /api/items/1 HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}`,
      );
      expect(res.status).toBe(200);
      const ids = res.headers.get('x-correlation-id') ?? [];
      expect(ids).toHaveLength(1);
      const id = ids[0] ?? '';
      expect(id).toMatch(VALID_ID);
      if (kept !== undefined) expect(id).toBe(kept);
      else expect(id).not.toContain(MARK);
      expect(res.headers.has('set-cookie')).toBe(false);
      for (const line of res.headerLines) expect(line).toMatch(/^[!-~][ -~]*$/);

      const line = await app.waitFor(
        (l) => l.logger === 'http' && l.correlation_id === id,
      );
      expect(line.request).toMatchObject({ status: 200 });
      expect(app.stdout()).not.toContain(forbidden);
    },
  );

  // Node's parser answers these 400 itself; they must never become a 500 or a log line.
  it.each([
    ['bare LF', `X-Correlation-ID: ${MARK}-lf\nSet-Cookie: lf=1`],
    ['obs-fold', `X-Correlation-ID: ${MARK}-fold\r\n folded`],
    ['NUL', `X-Correlation-ID: ${MARK}-nul\u0000x`],
    ['ANSI escape', `X-Correlation-ID: ${MARK}-esc\u001b[31m`],
  ])(
    '%s: rejected by the HTTP parser, never logged',
    async (_name, headers) => {
      const res = await rawExchange(
        app.port,
        `GET /api/items/1 HTTP/1.1\r\nHost: x\r\n${headers}`,
      );
      expect(res.status).toBe(400);
      expect(app.stdout()).not.toContain(MARK);
    },
  );

  it('reports the socket peer as request.ip, whatever X-Forwarded-For claims', async () => {
    await rawExchange(
      app.port,
      'GET /api/items/3 HTTP/1.1\r\nHost: x\r\nX-Correlation-ID: xff-default\r\nX-Forwarded-For: 203.0.113.66',
    );
    expect(
      (
        await app.waitFor(
          (l) => l.correlation_id === 'xff-default' && l.logger === 'http',
        )
      ).request?.ip,
    ).toBe('127.0.0.1');
  });

  it('falls back to X-Request-ID when X-Correlation-ID is invalid', async () => {
    const res = await rawExchange(
      app.port,
      'GET /api/items/2 HTTP/1.1\r\nHost: x\r\nX-Correlation-ID: bad id\r\nX-Request-ID: good-id-2',
    );
    expect(res.headers.get('x-correlation-id')).toEqual(['good-id-2']);
  });
});

describe('client ip behind a trusted proxy', () => {
  let app: LoggingFixture;

  beforeAll(async () => {
    app = await startLoggingFixture('express', {
      logging: { trustProxy: ['loopback'] },
    });
  });
  afterAll(() => app.stop());

  it.each([
    ['the nearest untrusted hop', '198.51.100.7, 203.0.113.9', '203.0.113.9'],
    [
      'a private address is not trusted unless listed',
      '203.0.113.9, 10.1.2.3',
      '10.1.2.3',
    ],
    ['garbage stops the walk', '203.0.113.9, not-an-ip', '127.0.0.1'],
    [
      'trusted addresses in the chain are skipped',
      '1.1.1.1, 127.0.0.1',
      '1.1.1.1',
    ],
  ])('%s', async (_name, header, expected) => {
    const id = `ip-${expected.replace(/\W/g, '')}-${header.length}`;
    await rawExchange(
      app.port,
      `GET /api/items/4 HTTP/1.1\r\nHost: x\r\nX-Correlation-ID: ${id}\r\nX-Forwarded-For: ${header}`,
    );
    const line = await app.waitFor(
      (l) => l.correlation_id === id && l.logger === 'http',
    );
    expect(line.request?.ip).toBe(expected);
  });
});
