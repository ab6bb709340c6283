import { HLL_REGISTERS, hash32, hllAdd, hllEstimate } from './hyper-log-log';

function estimateOf(ids: Iterable<string>): number {
  const registers = new Uint8Array(HLL_REGISTERS);
  for (const id of ids) hllAdd(registers, hash32(id));
  return hllEstimate(registers);
}

function* userIds(count: number, prefix = 'user-'): Generator<string> {
  for (let i = 0; i < count; i++) yield `${prefix}${i}`;
}

describe('HyperLogLog', () => {
  it('is empty at 0 and near-exact for small counts', () => {
    expect(estimateOf([])).toBe(0);
    expect(Math.round(estimateOf(userIds(10)))).toBe(10);
    expect(Math.abs(estimateOf(userIds(1_000)) - 1_000)).toBeLessThan(20);
  });

  it('ignores repeats', () => {
    const ids = [...userIds(500)];
    expect(estimateOf([...ids, ...ids, ...ids])).toBe(estimateOf(ids));
  });

  // Standard error 1.04/√4096 ≈ 1.6%; the bound is 3 standard errors (deterministic inputs).
  it.each([5_000, 20_000, 100_000, 500_000])(
    'estimates %i distinct ids within 5%%',
    (count) => {
      const estimate = estimateOf(userIds(count));
      expect(Math.abs(estimate - count) / count).toBeLessThan(0.05);
    },
  );

  it('spreads UUID-like and numeric ids as well', () => {
    const uuids = Array.from(
      { length: 50_000 },
      (_, i) =>
        `${(i * 2654435761) >>> 0}`.padStart(12, '0') +
        '-4abc-9def-' +
        i.toString(16),
    );
    expect(Math.abs(estimateOf(uuids) - 50_000) / 50_000).toBeLessThan(0.05);
    expect(
      Math.abs(estimateOf(userIds(50_000, '')) - 50_000) / 50_000,
    ).toBeLessThan(0.05);
  });
});
