import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADAPTERS } from './support/fixture-process';
import {
  type LoggingFixture,
  parseLines,
  startLoggingFixture,
} from './support/logging-fixture';
import { rawExchange } from './support/raw-http';

const BODY = {
  name: 'visible-name',
  Authorization: 'CANARY-B-1',
  AUTHORIZATION: 'CANARY-B-2',
  'X-Api-Key': 'CANARY-B-3',
  'Set-Cookie': 'CANARY-B-4',
  'PROXY-AUTHORIZATION': 'CANARY-B-5',
  Cookie: 'CANARY-B-6',
  password: 'CANARY-B-7',
  newPassword: 'CANARY-B-8',
  user_password: 'CANARY-B-9',
  client_secret: 'CANARY-B-10',
  accessToken: 'CANARY-B-11',
  refresh_token: 'CANARY-B-12',
  apiKey: 'CANARY-B-13',
  nested: { deeper: { Token: 'CANARY-B-14', kept: 'visible-deep' } },
  list: [{ passwd: 'CANARY-B-15' }],
};

describe.each(ADAPTERS)('redaction on %s', (adapter) => {
  let app: LoggingFixture;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'prs-redaction-'));
    app = await startLoggingFixture(adapter, {
      logging: {
        files: {
          main: join(dir, 'app.log'),
          security: join(dir, 'security.log'),
          error: join(dir, 'errors.log'),
        },
      },
    });
  });
  afterAll(async () => {
    await app.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps canary secrets out of stdout and every file', async () => {
    const headers = await rawExchange(
      app.port,
      'GET /api/debug/headers HTTP/1.1\r\nHost: x\r\nX-Correlation-ID: red-headers\r\n' +
        'Authorization: Bearer CANARY-H-1\r\nCOOKIE: sid=CANARY-H-2\r\nX-API-Key: CANARY-H-3\r\n' +
        'Proxy-Authorization: Basic CANARY-H-4\r\nSet-Cookie: CANARY-H-5\r\nX-Visible: visible-header',
    );
    expect(headers.status).toBe(200);
    const post = await fetch(app.url('/api/items'), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-correlation-id': 'red-body',
      },
      body: JSON.stringify(BODY),
    });
    expect(post.status).toBe(201);
    const query = await fetch(
      app.url(
        '/api/items/1?token=CANARY-Q-1&access_token=CANARY-Q-2&signature=CANARY-Q-3&X-Amz-Signature=CANARY-Q-4&ok=visible-query',
      ),
      { headers: { 'x-correlation-id': 'red-query' } },
    );
    expect(query.status).toBe(200);
    const token = await fetch(app.url('/api/auth/token'), {
      headers: {
        authorization: 'Bearer CANARY-S-1',
        'x-correlation-id': 'red-token',
      },
    });
    expect(token.status).toBe(401);
    const login = await fetch(app.url('/api/auth/login'), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-correlation-id': 'red-login',
      },
      body: JSON.stringify({
        username: 'alice@example.com',
        password: 'CANARY-S-2',
      }),
    });
    expect(login.status).toBe(401);
    const message = encodeURIComponent(
      'call to https://api.test/x?access_token=CANARY-E-1 failed: Bearer CANARY-E-2',
    );
    expect(
      (
        await fetch(app.url(`/api/debug/crash?m=${message}`), {
          headers: { 'x-correlation-id': 'red-crash' },
        })
      ).status,
    ).toBe(500);

    const crash = await app.waitFor(
      (l) => l.logger === 'http' && l.correlation_id === 'red-crash',
    );
    expect(crash.level).toBe('ERROR');
    await new Promise((resolve) => setTimeout(resolve, 100)); // one more loop turn for the files

    const texts = [
      app.stdout(),
      ...readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')),
    ];
    for (const text of texts) {
      expect(text).not.toContain('CANARY');
      expect(text).not.toContain('alice@example.com');
    }

    const lines = app.lines();
    const headerLine = lines.find(
      (l) =>
        l.message === 'request headers' && l.correlation_id === 'red-headers',
    );
    expect(headerLine?.headers).toMatchObject({
      authorization: '[REDACTED]',
      cookie: '[REDACTED]',
      'x-api-key': '[REDACTED]',
      'proxy-authorization': '[REDACTED]',
      'set-cookie': '[REDACTED]',
      'x-visible': 'visible-header',
    });
    const bodyLine = lines.find(
      (l) => l.message === 'creating item' && l.correlation_id === 'red-body',
    );
    expect(bodyLine?.body).toMatchObject({
      name: 'visible-name',
      nested: { deeper: { kept: 'visible-deep' } },
    });
    const queryLine = lines.find(
      (l) => l.logger === 'http' && l.correlation_id === 'red-query',
    );
    expect(queryLine?.request?.query).toBe(
      'token=[REDACTED]&access_token=[REDACTED]&signature=[REDACTED]&X-Amz-Signature=[REDACTED]&ok=visible-query',
    );
  });

  it('routes security events and errors to their own files as well as the main stream', () => {
    const security = parseLines(
      readFileSync(join(dir, 'security.log'), 'utf8'),
    );
    expect(security.map((l) => l.event_type)).toEqual([
      'invalid_token',
      'login_failed',
    ]);
    for (const line of security)
      expect(line).toMatchObject({
        logger: 'security',
        channel: 'security',
        level: 'WARNING',
      });
    expect(security[1]).toMatchObject({
      reason: 'bad_password',
      request: { method: 'POST', path: '/api/auth/login' },
    });
    expect(security[1]?.username_hash).toMatch(/^[0-9a-f]{16}$/);

    const errors = parseLines(readFileSync(join(dir, 'errors.log'), 'utf8'));
    expect(errors.length).toBeGreaterThanOrEqual(2);
    for (const line of errors)
      expect(['ERROR', 'CRITICAL']).toContain(line.level);
    expect(errors.map((l) => l.logger)).toEqual(
      expect.arrayContaining(['ExceptionsHandler', 'http']),
    );

    const main = parseLines(readFileSync(join(dir, 'app.log'), 'utf8'));
    const stdout = app.lines();
    expect(main.length).toBe(stdout.length);
    expect(main.filter((l) => l.channel === 'security')).toHaveLength(2);
  });
});
