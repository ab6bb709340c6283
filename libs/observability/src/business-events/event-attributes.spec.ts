import { capAttributes } from './event-attributes';

describe('capAttributes', () => {
  it('keeps at most 8 primitive attributes, cuts strings to 128 characters', () => {
    const input: Record<string, unknown> = {
      long: 'y'.repeat(300),
      nan: Number.NaN,
      object: { a: 1 },
      list: ['a'],
      nothing: null,
      '': 'empty key',
      flag: false,
    };
    for (let i = 0; i < 10; i++) input[`k${i}`] = i;
    expect(capAttributes(input)).toEqual({
      long: 'y'.repeat(128),
      flag: false,
      k0: 0,
      k1: 1,
      k2: 2,
      k3: 3,
      k4: 4,
      k5: 5,
    });
  });

  it('returns undefined for nothing usable', () => {
    expect(capAttributes(undefined)).toBeUndefined();
    expect(capAttributes('text')).toBeUndefined();
    expect(capAttributes({ a: undefined })).toBeUndefined();
  });
});
