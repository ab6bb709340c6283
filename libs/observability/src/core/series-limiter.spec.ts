import { SeriesLimiter } from './series-limiter';

describe('SeriesLimiter', () => {
  it('returns the same frozen attributes object for a label set it has seen', () => {
    const limiter = new SeriesLimiter(
      ['method', 'endpoint'],
      10,
      () => undefined,
    );
    const a = limiter.attributes('GET', '/x');
    expect(a).toEqual({ method: 'GET', endpoint: '/x' });
    expect(limiter.attributes('GET', '/x')).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
  });

  it('admits at most `limit` label sets and folds the rest, telling onOverflow each time', () => {
    let overflows = 0;
    const limiter = new SeriesLimiter(['a', 'b', 'c'], 3, () => overflows++);
    const seen = ['x', 'y', 'z', 'w', 'v'].map((v) =>
      limiter.attributes('1', v, '2'),
    );
    expect(seen.slice(0, 3).map((s) => s.b)).toEqual(['x', 'y', 'z']);
    expect(seen[3]).toEqual({
      a: '__overflow__',
      b: '__overflow__',
      c: '__overflow__',
    });
    expect(seen[4]).toBe(seen[3]);
    expect(overflows).toBe(2);
    expect(limiter.seriesCount).toBe(3);
    // Known label sets keep their own series after the budget is spent.
    expect(limiter.attributes('1', 'x', '2')).toBe(seen[0]);
    expect(overflows).toBe(2);
  });

  it('stays bounded whatever the input', () => {
    const limiter = new SeriesLimiter(['endpoint'], 100, () => undefined);
    for (let i = 0; i < 10_000; i++) limiter.attributes(`/items/${i}`);
    expect(limiter.seriesCount).toBe(100);
  });
});
