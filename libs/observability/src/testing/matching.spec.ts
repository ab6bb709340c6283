import { listing, matches, show } from './matching';

describe('matches()', () => {
  it.each([
    ['equal primitives', 201, 201, true],
    ['different primitives', 201, '201', false],
    ['a RegExp against a string', 'POST /deals', /^POST /, true],
    ['a RegExp against a number', 201, /201/, false],
    ['an object partially', { a: 1, b: { c: 2, d: 3 } }, { b: { c: 2 } }, true],
    ['a missing field', { a: 1 }, { b: undefined, a: 2 }, false],
    ['a nested mismatch', { b: { c: 2 } }, { b: { c: 3 } }, false],
    ['arrays item by item', [1, { a: 1, b: 2 }], [1, { a: 1 }], true],
    ['arrays of another length', [1, 2], [1], false],
    ['an object where an array is expected', { 0: 1 }, [1], false],
    ['null against an object', null, { a: 1 }, false],
  ])('%s', (_case, actual, expected, result) => {
    expect(matches(actual, expected)).toBe(result);
  });
});

describe('failure message pieces', () => {
  it('show() writes RegExps as /source/flags', () => {
    expect(show({ name: /^GET /i, kind: 'server' })).toBe(
      '{"name":"/^GET /i","kind":"server"}',
    );
  });

  it('listing() indents, says "(nothing)" when empty, and keeps the last lines', () => {
    expect(listing([])).toBe('  (nothing)');
    expect(listing(['a', 'b'])).toBe('  a\n  b');
    expect(listing(['a', 'b', 'c'], 2)).toBe(
      '  ... 1 earlier left out\n  b\n  c',
    );
  });
});
