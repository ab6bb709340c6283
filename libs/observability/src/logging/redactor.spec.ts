import { Redactor } from './redactor';
import { errorFields, sanitize } from './sanitize';

describe('Redactor', () => {
  const redactor = new Redactor(['email'], 64);

  it.each([
    ['authorization', true],
    ['Authorization', true],
    ['PROXY-AUTHORIZATION', true],
    ['Cookie', true],
    ['set-cookie', true],
    ['X-Api-Key', true],
    ['x-auth-token', true],
    ['password', true],
    ['newPassword', true],
    ['user_passwd', true],
    ['client_secret', true],
    ['refreshToken', true],
    ['api.key', true],
    ['privateKey', true],
    ['signature', true],
    ['Email', true],
    ['name', false],
    ['author', false],
    ['id', false],
    ['monkey', false],
    ['keyboard', false],
  ])('%s sensitive: %s', (key, expected) => {
    expect(redactor.isSensitive(key)).toBe(expected);
  });

  it('redacts credential query parameters, encoded keys and encoded credentials in values', () => {
    expect(
      new Redactor([], 4096).query(
        'a=1&token=t&Access_Token=t&%73ignature=s&code=c&next=https%3A%2F%2Fx%3Ftoken%3Dt&b',
      ),
    ).toBe(
      'a=1&token=[REDACTED]&Access_Token=[REDACTED]&%73ignature=[REDACTED]&code=[REDACTED]&next=[REDACTED]&b',
    );
  });

  it('scrubs bearer credentials and token parameters out of free text', () => {
    expect(redactor.text('auth Bearer abc.def-ghi failed')).toBe(
      'auth Bearer [REDACTED] failed',
    );
    expect(redactor.text('GET /x?access_token=abc&y=1')).toBe(
      'GET /x?access_token=[REDACTED]&y=1',
    );
  });

  it('caps long text', () => {
    expect(redactor.text('x'.repeat(100))).toBe(
      `${'x'.repeat(64)}...[truncated 36 chars]`,
    );
  });
});

describe('sanitize', () => {
  const redactor = new Redactor([], 32);

  it('redacts at any depth and in arrays, keeping other values', () => {
    expect(
      sanitize(redactor, {
        a: 1,
        list: [{ Password: 'p', ok: true }],
        deep: { Authorization: 'x', n: null },
      }),
    ).toEqual({
      a: 1,
      list: [{ Password: '[REDACTED]', ok: true }],
      deep: { Authorization: '[REDACTED]', n: null },
    });
  });

  it('bounds cycles, depth, arrays and keys', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    expect(sanitize(redactor, cyclic)).toEqual({
      name: 'loop',
      self: '[Circular]',
    });
    const deep = { a: { b: { c: { d: { e: { f: { g: 1 } } } } } } };
    expect(JSON.stringify(sanitize(redactor, deep))).toContain('"[Object]"');
    const long = sanitize(
      redactor,
      Array.from({ length: 150 }, (_, i) => i),
    ) as unknown[];
    expect(long).toHaveLength(101);
    expect(long[100]).toBe('[50 more items]');
    const wide = Object.fromEntries(
      Array.from({ length: 120 }, (_, i) => [`k${i}`, i]),
    );
    expect(
      (sanitize(redactor, wide) as Record<string, unknown>)['[more keys]'],
    ).toBe(20);
  });

  it('never throws on hostile objects', () => {
    const hostile = {
      get boom(): never {
        throw new Error('getter');
      },
    };
    const badJson = {
      toJSON: () => {
        throw new Error('toJSON');
      },
    };
    expect(sanitize(redactor, hostile)).toBe('[Unreadable]');
    expect(sanitize(redactor, badJson)).toBe('[Unreadable]');
    expect(
      sanitize(redactor, {
        when: new Date(0),
        buf: Buffer.alloc(3),
        n: NaN,
        big: 10n,
        f: () => 1,
      }),
    ).toEqual({
      when: '1970-01-01T00:00:00.000Z',
      buf: '[Buffer 3 bytes]',
      n: 'NaN',
      big: '10',
      f: undefined,
    });
  });

  it('flattens errors with their own fields, redacted, and their cause', () => {
    const error = Object.assign(new Error('failed'), {
      code: 'E_X',
      config: { headers: { Authorization: 'Bearer secret' } },
      cause: new TypeError('inner'),
    });
    const fields = errorFields(redactor, error);
    expect(fields).toMatchObject({
      type: 'Error',
      message: 'failed',
      code: 'E_X',
      config: { headers: { Authorization: '[REDACTED]' } },
      cause: { type: 'TypeError', message: 'inner' },
    });
    expect(typeof fields.stack).toBe('string');
  });
});
