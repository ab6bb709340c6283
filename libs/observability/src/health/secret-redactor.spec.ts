import { failureReason } from './failure-reason';
import { passwordOf, SecretRedactor } from './secret-redactor';

describe('SecretRedactor', () => {
  const redactor = new SecretRedactor(['s3cr3t-value', undefined, 'ab']);

  it.each([
    ['postgres://app:pw@db.internal:5432/prs failed', '[url] failed'],
    [
      'auth failed for password=hunter2; retry',
      'auth failed for password=***; retry',
    ],
    ['{"token": "abc.def"}', '{"token": ***}'],
    [
      'header Authorization: Bearer eyJhbGciOi.x.y',
      'header Authorization: *** ***',
    ],
    ['Basic dXNlcjpwdw== rejected', 'Basic *** rejected'],
    ['leaked s3cr3t-value here', 'leaked *** here'],
    ['connect ECONNREFUSED 10.1.2.3:5432', 'connect ECONNREFUSED [host]'],
    [
      'secrets shorter than 3 characters are not masked: ab',
      'secrets shorter than 3 characters are not masked: ab',
    ],
  ])('masks %j', (input, expected) => {
    expect(redactor.redact(input)).toBe(expected);
  });

  it('bounds the length', () => {
    expect(redactor.redact('x'.repeat(500))).toHaveLength(200);
  });

  it('masks nested string values and keeps other types', () => {
    expect(
      redactor.redactData({
        a: 's3cr3t-value',
        n: 3,
        list: ['password=x'],
        deep: { url: 'redis://:p@h' },
      }),
    ).toEqual({
      a: '***',
      n: 3,
      list: ['password=***'],
      deep: { url: '[url]' },
    });
  });

  it('extracts the password of a connection string', () => {
    expect(passwordOf('postgres://u:p%40ss@h/db')).toBe('p@ss');
    expect(passwordOf('postgres://u@h/db')).toBeUndefined();
    expect(passwordOf('not a url')).toBeUndefined();
    expect(passwordOf(undefined)).toBeUndefined();
  });
});

describe('failureReason', () => {
  const redactor = new SecretRedactor(['CANARY']);
  const withCode = (message: string, code: string) =>
    Object.assign(new Error(message), { code });

  it.each([
    [
      withCode('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED'),
      'connection refused',
    ],
    [
      withCode('getaddrinfo ENOTFOUND db.internal', 'ENOTFOUND'),
      'host not found',
    ],
    [
      withCode('password authentication failed for user "CANARY"', '28P01'),
      'authentication failed',
    ],
    [
      withCode('database "x" does not exist', '3D000'),
      'database does not exist',
    ],
    [
      withCode('relation "secret_table" does not exist', '42P01'),
      'database error 42P01',
    ],
    [withCode('weird', 'ERR_SOMETHING'), 'failed (ERR_SOMETHING)'],
    [
      new Error('timeout exceeded when trying to connect'),
      'connection timed out',
    ],
    [new Error('Connection terminated unexpectedly'), 'connection closed'],
    [
      Object.assign(new Error('UnknownError'), {
        name: 'NotFound',
        $metadata: { httpStatusCode: 404 },
      }),
      'not found (HTTP 404)',
    ],
    [
      new TypeError('bad CANARY at mysql://u:p@h'),
      'TypeError: bad *** at [url]',
    ],
    ['a string CANARY', 'check failed: a string ***'],
  ])('%s → %j', (error, expected) => {
    expect(failureReason(error, redactor)).toBe(expected);
  });
});
