import { createAuthorizationCheck } from './metrics-auth';

describe('createAuthorizationCheck', () => {
  it('allows everything without auth', () => {
    expect(createAuthorizationCheck(undefined)(undefined)).toBe(true);
  });

  it.each([
    ['Bearer tok', true],
    ['bearer tok', true],
    ['Bearer  tok ', true],
    ['Bearer tok2', false],
    ['Bearer to', false],
    ['Basic tok', false],
    ['tok', false],
    ['', false],
    [undefined, false],
  ])('bearer %p → %s', (header, expected) => {
    expect(createAuthorizationCheck({ bearerToken: 'tok' })(header)).toBe(
      expected,
    );
  });

  it.each([
    [`Basic ${Buffer.from('u:p').toString('base64')}`, true],
    [`basic ${Buffer.from('u:p').toString('base64')}`, true],
    [`Basic ${Buffer.from('u:q').toString('base64')}`, false],
    ['Bearer u:p', false],
  ])('basic %p → %s', (header, expected) => {
    expect(
      createAuthorizationCheck({ username: 'u', password: 'p' })(header),
    ).toBe(expected);
  });
});
